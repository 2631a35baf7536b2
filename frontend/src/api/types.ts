// The browser's names for the server's models, all taken from the generated schema.ts.
import type { components } from './schema';

type Schemas = components['schemas'];

export type GraphDocument = Schemas['GraphDocument'];
export type NodeDoc = Schemas['NodeDoc'];
export type EdgeDoc = Schemas['EdgeDoc'];
export type BlockDoc = Schemas['BlockDoc'];
export type CheckResult = Schemas['CheckResult'];
export type GraphIssue = Schemas['GraphIssue'];
export type NodeReport = Schemas['NodeReport'];
export type EdgeReport = Schemas['EdgeReport'];
export type TensorSpec = Schemas['TensorSpec'];
export type Totals = Schemas['Totals'];
export type ApiOpSchema = Schemas['OpSchema'];
export type PortSchema = Schemas['PortSchema'];
// Datasets: the catalog (built-in sets with their availability, and uploads), an upload's
// record and its preview.
export type DatasetCatalog = Schemas['DatasetCatalog'];
export type BuiltinDataset = Schemas['BuiltinDataset'];
export type Availability = Schemas['Availability'];
export type AvailabilityState = Availability['state'];
export type DatasetRecord = Schemas['DatasetRecord'];
export type UploadInfo = Schemas['UploadInfo'];
export type DatasetPreview = Schemas['DatasetPreview'];
export type TablePreview = Schemas['TablePreview'];
export type PreviewColumn = Schemas['PreviewColumn'];
export type Thumbnail = Schemas['Thumbnail'];
export type ClassCount = Schemas['ClassCount'];
export type PresetSummary = Schemas['PresetSummary'];
export type Preset = Schemas['Preset'];
export type GraphList = Schemas['GraphList'];
export type GraphSummary = Schemas['GraphSummary'];
export type GraphRecord = Schemas['GraphRecord'];
export type ErrorBody = Schemas['ErrorBody'];
export type Health = Schemas['Health'];
// What the server serves about itself (GET /api/meta): health rules, status groups, the
// training settings' schema.
export type ServerMeta = Schemas['ServerMeta'];
export type TaskFacts = Schemas['TaskFacts'];
export type GradientRule = Schemas['GradientRule'];
export type ActivationRule = Schemas['ActivationRule'];
export type ExportFormat = Schemas['ExportRequest']['format'];
export type CreateRun = Schemas['CreateRun'];
export type RunRecord = Schemas['RunRecord'];

// The run system: records, events (the envelope + typed payloads) and task views.
export type RunDetail = Schemas['RunDetail'];
export type RunList = Schemas['RunList'];
export type CheckpointRecord = Schemas['CheckpointRecord'];
export type ForkOrigin = Schemas['ForkOrigin'];
export type RunStatus = RunRecord['status'];
export type EventPage = Schemas['EventPage'];
export type RunEvent = EventPage['events'][number];
export type RunEventType = RunEvent['type'];
export type MetricsEvent = Schemas['MetricsEvent'];
export type GradNormsEvent = Schemas['GradNormsEvent'];
export type ActivationsEvent = Schemas['ActivationsEvent'];
export type ActivationStats = Schemas['ActivationStats'];
export type Histogram = Schemas['Histogram'];
export type WeightsEvent = Schemas['WeightsEvent'];
export type WeightStats = Schemas['WeightStats'];
export type SamplesEvent = Schemas['SamplesEvent'];
export type SampleView = SamplesEvent['views'][number];
export type SampleImage = Schemas['ImageData'];
export type HealthEvent = Schemas['HealthEvent'];
export type StatusEvent = Schemas['StatusEvent'];
export type CheckpointEvent = Schemas['CheckpointEvent'];
export type LogEvent = Schemas['LogEvent'];
export type TrainingConfig = Schemas['TrainingConfig'];
export type WorkerRecord = Schemas['WorkerRecord'];
// Sweeps: Optuna's search over a document's settings, each trial a run.
export type CreateSweep = Schemas['CreateSweep'];
export type SweepRecord = Schemas['SweepRecord'];
export type SweepDetail = Schemas['SweepDetail'];
export type SweepList = Schemas['SweepList'];
export type TrialRecord = Schemas['TrialRecord'];
// Importing models: an ONNX file as a document, or what it refuses, located.
export type OnnxImport = Schemas['OnnxImport'];
export type Unsupported = Schemas['Unsupported'];
// The lessons (GET /api/lessons): steps with their texts in both languages and the checks
// the browser evaluates.
export type Lesson = Schemas['Lesson'];
export type LessonSummary = Schemas['LessonSummary'];
export type LessonStep = Schemas['Step'];
export type LessonCheck = NonNullable<LessonStep['check']>;
export type BilingualText = Schemas['Text'];
