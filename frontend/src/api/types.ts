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
export type DatasetSchema = Schemas['DatasetSchema'];
export type PresetSummary = Schemas['PresetSummary'];
export type Preset = Schemas['Preset'];
export type GraphList = Schemas['GraphList'];
export type GraphSummary = Schemas['GraphSummary'];
export type GraphRecord = Schemas['GraphRecord'];
export type ErrorBody = Schemas['ErrorBody'];
export type Health = Schemas['Health'];
export type ExportFormat = Schemas['ExportRequest']['format'];
export type CreateRun = Schemas['CreateRun'];
export type RunRecord = Schemas['RunRecord'];
