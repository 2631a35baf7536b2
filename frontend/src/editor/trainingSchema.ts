// The training settings' JSON Schema, taken from the server's OpenAPI document when the
// server publishes its TrainingConfig model there (it will with the runs API). Until then
// the panel falls back to a small, clearly marked form (PROVISIONAL_TRAINING_SCHEMA).
import { useEffect, useState } from 'react';
import type { JsonSchema } from '../model/schemaForm';

export const PROVISIONAL_TRAINING_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    task: { type: 'string', default: 'classification', description: 'The recipe: loss, metrics and samples' },
    epochs: { type: 'integer', minimum: 1, default: 10, description: 'Passes over the training set' },
    batch_size: { type: 'integer', minimum: 1, maximum: 65536, default: 32, description: 'Samples per step (also sizes the memory estimate)' },
    lr: { type: 'number', exclusiveMinimum: 0, default: 0.001, description: 'Peak learning rate' },
    optimizer: { type: 'string', default: 'adam', description: 'Optimizer name' },
    device: { type: 'string', default: 'auto', description: 'auto, cpu or cuda' },
  },
};

let cached: Promise<JsonSchema | null> | null = null;

async function fetchSchema(): Promise<JsonSchema | null> {
  const response = await fetch('/api/openapi.json');
  if (!response.ok) return null;
  const openapi = (await response.json()) as { components?: { schemas?: Record<string, JsonSchema> } };
  const schemas = openapi.components?.schemas ?? {};
  const config = schemas.TrainingConfig;
  return config ? { ...config, $defs: schemas } : null;
}

/** [schema, provisional]: the server's schema when it has one, else the fallback. */
export function useTrainingSchema(): [JsonSchema, boolean] {
  const [schema, setSchema] = useState<JsonSchema | null>(null);
  useEffect(() => {
    cached ??= fetchSchema().catch(() => null);
    let live = true;
    void cached.then((s) => live && setSchema(s));
    return () => {
      live = false;
    };
  }, []);
  return schema ? [schema, false] : [PROVISIONAL_TRAINING_SCHEMA, true];
}
