// Generated from the server's OpenAPI schema by `npm run types`; do not edit.
// `make test` fails when this file drifts from backend/layerlab/server.

export interface paths {
    "/api/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Shapes, parameters, FLOPs, memory and every error of a document, per node
         * @description A document that parses is answered with 200 and a CheckResult, its errors (if any) located by node; one that does not parse gets 422. With a worker connected, the totals say the largest batch that fits its device.
         */
        post: operations["check_document_api_check_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Built-in and uploaded datasets */
        get: operations["catalog_api_datasets_get"];
        put?: never;
        /** Upload a file (multipart: file, name?, kind?) as a dataset */
        post: operations["upload_api_datasets_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datasets/{dataset_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An upload's record */
        get: operations["record_api_datasets__dataset_id__get"];
        put?: never;
        post?: never;
        /** Delete an upload (409 while a queued or running run uses it) */
        delete: operations["delete_api_datasets__dataset_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datasets/{dataset_id}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An upload's first rows, thumbnails or text, and its class counts */
        get: operations["preview_api_datasets__dataset_id__preview_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A document as PyTorch source, safetensors weights or ONNX
         * @description The document must check without errors (422 with the errors otherwise). Weights are a fresh initialisation from `seed`; a run's trained weights will come with `run_id`.
         */
        post: operations["export_document_api_export_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/graphs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Saved graphs, the most recently saved first */
        get: operations["list_graphs_api_graphs_get"];
        put?: never;
        /** Save a new graph (version 1) */
        post: operations["create_graph_api_graphs_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/graphs/{graph_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A graph's newest version */
        get: operations["get_graph_api_graphs__graph_id__get"];
        /** Save a new version on top of the one named by If-Match */
        put: operations["update_graph_api_graphs__graph_id__put"];
        post?: never;
        /** Delete a graph and its versions (If-Match optional: only if still at that version) */
        delete: operations["delete_graph_api_graphs__graph_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/graphs/{graph_id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A graph's versions, newest first */
        get: operations["list_versions_api_graphs__graph_id__versions_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/graphs/{graph_id}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One version of a graph, with its document */
        get: operations["get_version_api_graphs__graph_id__versions__version__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The server is up and its database answers */
        get: operations["health_api_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/import/onnx": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import an ONNX file (multipart: file) as a graph document named as the file
         * @description Each operator maps to a node type whose output equals ONNX's reference evaluator's to 1e-5, or the import is refused (`ok: false`) with every unsupported operator listed by index and name. The weights are kept on the server.
         */
        post: operations["onnx_api_import_onnx_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/import/weights/{weights_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An import's weights (safetensors, keyed as the document builds them) */
        get: operations["weights_api_import_weights__weights_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lessons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The lessons in course order, each with its title, goal and step count */
        get: operations["get_lessons_api_lessons_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lessons/{lesson_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One lesson: its steps, each with its text, preset and check */
        get: operations["get_lesson_api_lessons__lesson_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/meta": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Health thresholds, run-status groups and the training settings' schema */
        get: operations["meta_api_meta_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ops": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every node type: palette entry, ports and the JSON Schema of its parameters */
        get: operations["list_ops_api_ops_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/presets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The preset graphs, as the start screen's cards */
        get: operations["get_presets_api_presets_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/presets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One preset graph's document */
        get: operations["get_preset_api_presets__name__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runs, the newest first */
        get: operations["list_runs_api_runs_get"];
        put?: never;
        /**
         * Queue a run of a document (or of a saved graph's version)
         * @description The document is checked first: check errors are answered with 422 and every issue located by node; so are an invalid training config or dataset, and a memory estimate larger than the largest connected worker's memory.
         */
        post: operations["create_api_runs_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One run */
        get: operations["get_one_api_runs__run_id__get"];
        put?: never;
        post?: never;
        /** Delete a run, its events and checkpoints (an active run is stopped first) */
        delete: operations["delete_api_runs__run_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/bundle.zip": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A reproducibility bundle: model source, a plain PyTorch training script, config and seed, the data as loaded, the weights */
        get: operations["bundle_zip_api_runs__run_id__bundle_zip_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The run's latest weights, as safetensors */
        get: operations["checkpoint_api_runs__run_id__checkpoint_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/checkpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The run's kept checkpoints, the newest first (to fork from) */
        get: operations["checkpoints_api_runs__run_id__checkpoints_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/checkpoints/{name}/weights": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A kept checkpoint's weights, as safetensors */
        get: operations["checkpoint_weights_api_runs__run_id__checkpoints__name__weights_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run's stored events after `since`, in seq order, a page at a time */
        get: operations["events_api_runs__run_id__events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/events.jsonl": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every stored event of the run, one JSON object per line */
        get: operations["events_jsonl_api_runs__run_id__events_jsonl_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a run (within a step); a queued run starts paused */
        post: operations["pause_api_runs__run_id__pause_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused run */
        post: operations["resume_api_runs__run_id__resume_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/scalars.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The run's metrics events as a table: step, epoch, time, then each value */
        get: operations["scalars_csv_api_runs__run_id__scalars_csv_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop a run: it ends as `stopped`, its last checkpoint kept
         * @description A queued run stops at once; a running one within a step, after a final checkpoint (its status changes when the worker reports it).
         */
        post: operations["stop_api_runs__run_id__stop_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sweeps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Sweeps, the newest first */
        get: operations["list_sweeps_api_sweeps_get"];
        put?: never;
        /**
         * Start a sweep: trials of a document, each an ordinary run
         * @description The document is checked as a run of it would be, and every path of the space must name a place of it (422, located at body.space.<path>). Trials start as runs, at most `parallel` at a time; a trial whose document does not check is failed with the check's error, and the sweep goes on.
         */
        post: operations["create_api_sweeps_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sweeps/{sweep_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One sweep, with every trial (params, status, objective, run) */
        get: operations["get_one_api_sweeps__sweep_id__get"];
        put?: never;
        post?: never;
        /** Delete a sweep, its study and its trials' runs (those training are stopped) */
        delete: operations["delete_api_sweeps__sweep_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sweeps/{sweep_id}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a sweep: no more trials start; those training stop (`stopping` until they have) */
        post: operations["stop_api_sweeps__sweep_id__stop_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/worker/runs/{run_id}/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The run's latest checkpoint pack, to resume it (the lease holder only) */
        get: operations["download_checkpoint_api_worker_runs__run_id__checkpoint_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/worker/runs/{run_id}/checkpoints/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upload a checkpoint pack (the lease holder only) */
        put: operations["upload_checkpoint_api_worker_runs__run_id__checkpoints__name__put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/worker/runs/{run_id}/dataset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The uploaded file a run trains on (the lease holder only) */
        get: operations["download_dataset_api_worker_runs__run_id__dataset_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/worker/runs/{run_id}/start-weights": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The weights a forked run starts from (the lease holder only) */
        get: operations["download_start_weights_api_worker_runs__run_id__start_weights_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Connected workers */
        get: operations["list_workers_api_workers_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * ActivationRule
         * @description When the server calls a layer's outputs dead or saturated, and how they are binned.
         */
        ActivationRule: {
            /**
             * Dead Fraction
             * @description Dead ReLUs: over this share of a ReLU's units are zero for a whole batch
             */
            dead_fraction: number;
            /**
             * Histogram Bins
             * @description Bins of each activation histogram
             */
            histogram_bins: number;
            /**
             * Saturated Fraction
             * @description Saturated: over this share of a sigmoid's or tanh's outputs in the tails
             */
            saturated_fraction: number;
        };
        /** ActivationsEvent */
        ActivationsEvent: {
            /**
             * Epoch
             * @description Current epoch, from 0
             */
            epoch?: number | null;
            /**
             * Layers
             * @description Statistics of each layer's output, by node id
             */
            layers: {
                [key: string]: components["schemas"]["ActivationStats"];
            };
            /**
             * Run
             * @description Run id
             */
            run: string;
            /**
             * Seq
             * @description Per-run sequence number, from 1, without gaps
             */
            seq: number;
            /**
             * Step
             * @description Optimizer steps taken so far
             */
            step: number;
            /**
             * Time
             * @description Seconds since the run started (resumes continue the clock)
             */
            time: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "activations";
        };
        /** ActivationStats */
        ActivationStats: {
            /**
             * Dead Fraction
             * @description ReLU-like: share of units zero for every sample of the batch
             */
            dead_fraction?: number | null;
            histogram: components["schemas"]["Histogram"];
            /** Mean */
            mean: number | null;
            /**
             * Nonfinite
             * @description Some statistic was NaN or infinite
             * @default false
             */
            nonfinite?: boolean;
            /**
             * Saturated Fraction
             * @description Sigmoid/Tanh: share of outputs in the flat tails
             */
            saturated_fraction?: number | null;
            /** Std */
            std: number | null;
            /**
             * Zero Fraction
             * @description ReLU-like: share of outputs exactly zero
             */
            zero_fraction?: number | null;
        };
        /** AttentionView */
        AttentionView: {
            /** Key Labels */
            key_labels?: string[] | null;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "attention";
            /**
             * Node
             * @description Node id of the attention layer
             */
            node: string;
            /** Query Labels */
            query_labels?: string[] | null;
            /**
             * Weights
             * @description [query][key] weights of one example, averaged over heads
             */
            weights: (number | null)[][];
        };
        /**
         * Availability
         * @description Whether a built-in set can train here, said before Train is pressed.
         */
        Availability: {
            /**
             * Message
             * @description The same, for people: 'on this server', ...
             */
            message: string;
            /**
             * State
             * @description on_server: its files are here; generated: made on the fly; stand_in: absent, an offline look-alike trains instead; needs_file: upload a file for it
             * @enum {string}
             */
            state: "on_server" | "generated" | "stand_in" | "needs_file";
            /**
             * Upload Kind
             * @description The upload kind that gives this set its data, if one does
             */
            upload_kind?: string | null;
        };
        /** BestTrial */
        BestTrial: {
            /** Number */
            number: number;
            /** Params */
            params: {
                [key: string]: unknown;
            };
            /** Run */
            run: string | null;
            /** Value */
            value: number;
        };
        /**
         * BlockDoc
         * @description A reusable subgraph. Its `Input` nodes are its input ports and its `Output` nodes
         *     its output ports (by id, in order). Inner parameter values written "$name" take the
         *     instance's value of block parameter `name` (default from `params`).
         */
        BlockDoc: {
            /**
             * Description
             * @default
             */
            description?: string;
            /** Edges */
            edges?: components["schemas"]["EdgeDoc"][];
            /** Name */
            name: string;
            /** Nodes */
            nodes: components["schemas"]["NodeDoc"][];
            /** Params */
            params?: {
                [key: string]: unknown;
            };
        };
        /** BlockedNode */
        BlockedNode: {
            /**
             * By
             * @description The nodes with errors whose outputs it waits for
             */
            by: string[];
            /** Id */
            id: string;
        };
        /** BuiltinDataset */
        BuiltinDataset: {
            availability: components["schemas"]["Availability"];
            /**
             * Input Dtype
             * @description float32 or int64
             */
            input_dtype?: string | null;
            /**
             * Input Shape
             * @description One sample's shape with the default options; null if unknown
             */
            input_shape?: number[] | null;
            /**
             * Kind
             * @description points, image, sequence, text or tabular
             */
            kind: string;
            /**
             * Max Upload Bytes
             * @description Set for kinds a person can upload: the largest file taken
             */
            max_upload_bytes?: number | null;
            /** Name */
            name: string;
            /**
             * Notes
             * @description How the default load went (splits, substitutes)
             */
            notes?: string[];
            /**
             * Num Classes
             * @description Classes (or vocabulary size)
             */
            num_classes?: number | null;
            /**
             * Options Schema
             * @description JSON Schema of the dataset's options
             */
            options_schema: {
                [key: string]: unknown;
            };
            /** Summary */
            summary: string;
            /**
             * Target
             * @description class, value, sequence or none
             */
            target?: string | null;
        };
        /** CheckpointEvent */
        CheckpointEvent: {
            /**
             * Epoch
             * @description Current epoch, from 0
             */
            epoch?: number | null;
            /**
             * Name
             * @description Checkpoint directory name, e.g. step-00000120
             */
            name: string;
            /**
             * Reason
             * @enum {string}
             */
            reason: "interval" | "epoch" | "stop" | "final";
            /**
             * Run
             * @description Run id
             */
            run: string;
            /**
             * Seq
             * @description Per-run sequence number, from 1, without gaps
             */
            seq: number;
            /**
             * Step
             * @description Optimizer steps taken so far
             */
            step: number;
            /**
             * Time
             * @description Seconds since the run started (resumes continue the clock)
             */
            time: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "checkpoint";
        };
        /**
         * CheckpointRecord
         * @description A kept checkpoint of a run: one to fork from, or download.
         */
        CheckpointRecord: {
            /**
             * Attempt
             * @description The lease it was written under
             */
            attempt: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Name */
            name: string;
            /** Step */
            step: number;
        };
        /** CheckpointStored */
        CheckpointStored: {
            /** Name */
            name: string;
            /** Run */
            run: string;
            /** Step */
            step: number;
        };
        /** CheckResult */
        CheckResult: {
            /**
             * Blocked
             * @description Top-level nodes without shapes only because an error lies upstream
             */
            blocked?: components["schemas"]["BlockedNode"][];
            /** Edges */
            edges: components["schemas"]["EdgeReport"][];
            /** Errors */
            errors: components["schemas"]["GraphIssue"][];
            /**
             * Inner
             * @description Nodes inside block instances, by dotted path
             */
            inner: components["schemas"]["NodeReport"][];
            /** Networks */
            networks: components["schemas"]["NetworkReport"][];
            /**
             * Nodes
             * @description Top-level nodes whose shapes are known, in document order
             */
            nodes: components["schemas"]["NodeReport"][];
            /** Ok */
            ok: boolean;
            totals: components["schemas"]["Totals"];
            /** Warnings */
            warnings: components["schemas"]["GraphIssue"][];
        };
        /**
         * Choice
         * @description One of the listed values.
         */
        Choice: {
            /** Choice */
            choice: (boolean | number | string | null)[];
        };
        /** ClassCount */
        ClassCount: {
            /** Count */
            count: number;
            /** Name */
            name: string;
        };
        /**
         * Code
         * @enum {string}
         */
        Code: "invalid_document" | "unsupported_version" | "unknown_type" | "bad_id" | "bad_param" | "bad_block" | "duplicate_id" | "dangling_edge" | "unknown_port" | "missing_input" | "extra_input" | "cross_network_edge" | "cycle" | "no_input" | "no_output" | "unreachable" | "unused" | "shape_mismatch" | "limit_exceeded" | "no_parameters";
        /** ConfusionView */
        ConfusionView: {
            /** Classes */
            classes: string[];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "confusion_matrix";
            /**
             * Matrix
             * @description matrix[true][predicted] counts on the validation set
             */
            matrix: number[][];
        };
        /**
         * CreateRun
         * @description A run of a document: send `document`, or `graph_id` (and `graph_version`, else
         *     the newest) of a saved graph, or `fork`. `config` overrides fields of the
         *     document's training section (`{"epochs": 3, "lr": 0.01}`); for a fork, of the
         *     forked run's configuration.
         *
         *     A fork trains the forked run's document snapshot from the weights of its
         *     checkpoint: a new run, counting its own steps and epochs from 0, with a fresh
         *     optimizer and schedule under its (edited) settings.
         */
        CreateRun: {
            /**
             * Config
             * @description Overrides of TrainingConfig fields
             */
            config?: {
                [key: string]: unknown;
            };
            /** @description The graph to train */
            document?: components["schemas"]["GraphDocument"];
            /** @description Fork a run from a checkpoint */
            fork?: components["schemas"]["ForkRequest"];
            /** Graph Id */
            graph_id?: string;
            /** Graph Version */
            graph_version?: number;
            /**
             * Start Weights
             * @description Start from weights imported with the model (`weights_id` of POST /api/import/onnx), with `document` or `graph_id`: every tensor must fit by name and shape
             */
            start_weights?: string;
        } & (unknown | unknown | unknown);
        /**
         * CreateSweep
         * @description A sweep of a document: send `document`, or `graph_id` (and `graph_version`, else
         *     the newest) of a saved graph, with the sweep's settings. Every trial is a run of the
         *     document with the trial's values written in (and `config`'s overrides).
         */
        CreateSweep: {
            /**
             * Config
             * @description Overrides of TrainingConfig fields for every trial (epochs, ...)
             */
            config?: {
                [key: string]: unknown;
            };
            /** @description The graph to vary */
            document?: components["schemas"]["GraphDocument"];
            /** Graph Id */
            graph_id?: string;
            /** Graph Version */
            graph_version?: number;
            objective?: components["schemas"]["Objective"];
            /**
             * Parallel
             * @description Trials queued or training at once
             * @default 1
             */
            parallel?: number;
            /**
             * Pruner
             * @default none
             * @enum {string}
             */
            pruner?: "none" | "median" | "successive_halving";
            /**
             * Sampler
             * @default tpe
             * @enum {string}
             */
            sampler?: "tpe" | "random" | "grid";
            /**
             * Seed
             * @description The sampler's seed (the same seed samples the same points)
             * @default null
             */
            seed?: number | null;
            /**
             * Space
             * @description Path -> distribution: what varies, over what values
             */
            space: {
                [key: string]: components["schemas"]["LogUniform"] | components["schemas"]["Uniform"] | components["schemas"]["IntRange"] | components["schemas"]["Choice"];
            };
            /**
             * Trials
             * @description Trials in all (a grid: at most its size)
             * @default 10
             */
            trials?: number;
        } & (unknown | unknown);
        /** CurveView */
        CurveView: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "curve";
            /**
             * Points
             * @description Some validation points: x, target
             */
            points: [
                number | null,
                number | null
            ][];
            /** Predicted */
            predicted: (number | null)[];
            /** X */
            x: (number | null)[];
        };
        /** DatasetCatalog */
        DatasetCatalog: {
            /** Builtin */
            builtin: components["schemas"]["BuiltinDataset"][];
            /**
             * Uploads
             * @description Newest first
             */
            uploads: components["schemas"]["DatasetRecord"][];
        };
        /**
         * DatasetConfig
         * @description Exactly what a run's config takes to train on the upload.
         */
        DatasetConfig: {
            /** Dataset */
            dataset: string;
            /** Dataset Options */
            dataset_options: {
                [key: string]: unknown;
            };
        };
        /**
         * DatasetPreview
         * @description One of table, images or text is set, by the dataset's kind.
         */
        DatasetPreview: {
            /**
             * Class Counts
             * @description Samples per class, training and validation together
             */
            class_counts?: components["schemas"]["ClassCount"][];
            /** Images */
            images?: components["schemas"]["Thumbnail"][];
            table?: components["schemas"]["TablePreview"] | null;
            /**
             * Text
             * @description The first 2000 characters
             */
            text?: string | null;
        };
        /** DatasetRecord */
        DatasetRecord: {
            /** Bytes */
            bytes: number;
            config: components["schemas"]["DatasetConfig"];
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * @description d_ + 12 hex
             */
            id: string;
            info: components["schemas"]["UploadInfo"];
            /**
             * Kind
             * @description csv, image_zip, text or idx: the dataset it is read as
             */
            kind: string;
            /** Name */
            name: string;
            /** Sha256 */
            sha256: string;
        };
        /** DecisionBoundaryView */
        DecisionBoundaryView: {
            /**
             * Confidence
             * @description [row][column] probability of that class
             */
            confidence: (number | null)[][];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "decision_boundary";
            /**
             * Points
             * @description Some validation points: x, y, class
             */
            points: [
                number | null,
                number | null,
                number
            ][];
            /**
             * Predicted
             * @description [row][column] class id; row 0 is y_range[0]
             */
            predicted: number[][];
            /** Resolution */
            resolution: number;
            /** X Range */
            x_range: [
                number | null,
                number | null
            ];
            /** Y Range */
            y_range: [
                number | null,
                number | null
            ];
        };
        /**
         * DiagnosisShown
         * @description The run on screen shows this diagnosis (on `node`, when given).
         */
        DiagnosisShown: {
            /**
             * Diagnosis
             * @enum {string}
             */
            diagnosis: "vanishing_gradients" | "exploding_gradients" | "dead_relu" | "saturated" | "overfitting" | "divergence";
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "diagnosis";
            /** Node */
            node?: string | null;
        };
        /**
         * EarlyStopping
         * @description Stop when a validation metric has not improved for `patience` epochs.
         */
        EarlyStopping: {
            /**
             * Metric
             * @description Metric to watch, as emitted: val/loss, val/acc, ...
             * @default val/loss
             */
            metric?: string;
            /**
             * Min Delta
             * @description Smallest change that counts as an improvement
             * @default 0
             */
            min_delta?: number;
            /**
             * Mode
             * @description min for losses, max for accuracies; auto guesses from the name
             * @default auto
             * @enum {string}
             */
            mode?: "auto" | "min" | "max";
            /**
             * Patience
             * @description Epochs without improvement before stopping
             * @default 5
             */
            patience?: number;
        };
        /** EdgeDoc */
        EdgeDoc: {
            /** Source */
            source: string;
            /** Source Port */
            source_port?: string | null;
            /** Target */
            target: string;
            /** Target Port */
            target_port?: string | null;
        };
        /** EdgeReport */
        EdgeReport: {
            /** Source */
            source: string;
            /** Source Port */
            source_port: string;
            /** @description What the edge carries; null where unknown */
            spec: components["schemas"]["TensorSpec"] | null;
            /** Target */
            target: string;
            /** Target Port */
            target_port: string;
        };
        /** ErrorBody */
        ErrorBody: {
            /**
             * Code
             * @description What went wrong, for programs: not_found, invalid_document, version_conflict, unauthorized, body_too_large, ...
             */
            code: string;
            /**
             * Current Version
             * @description On version_conflict: the graph's newest version
             */
            current_version?: number | null;
            /**
             * Field
             * @description The request part at fault: body.nodes.0.params, query.limit
             */
            field?: string | null;
            /**
             * Issues
             * @description Every problem found in a graph document, located
             */
            issues?: components["schemas"]["GraphIssue"][];
            /**
             * Message
             * @description What went wrong, for people
             */
            message: string;
        };
        /** EventPage */
        EventPage: {
            /** Events */
            events: (components["schemas"]["MetricsEvent"] | components["schemas"]["GradNormsEvent"] | components["schemas"]["ActivationsEvent"] | components["schemas"]["WeightsEvent"] | components["schemas"]["SamplesEvent"] | components["schemas"]["HealthEvent"] | components["schemas"]["StatusEvent"] | components["schemas"]["CheckpointEvent"] | components["schemas"]["LogEvent"])[];
            /**
             * More
             * @description More events matched than `limit`
             */
            more: boolean;
            /**
             * Next Since
             * @description Pass as `since` to read on
             */
            next_since: number;
        };
        /**
         * ExecutionInfo
         * @description How the run's steps execute on its device, as resolved from the config (train/
         *     execution.py): what `auto` chose, and how long the fast path took to compile.
         */
        ExecutionInfo: {
            /**
             * Channels Last
             * @description Convolutions keep their images channels-last (CUDA)
             * @default false
             */
            channels_last?: boolean;
            /**
             * Compile S
             * @description Fast: seconds the first compiled step took, compiling included
             */
            compile_s?: number | null;
            /**
             * Compiling
             * @description Fast: the first compiled step is still compiling
             * @default false
             */
            compiling?: boolean;
            /**
             * Cuda Graphs
             * @description Fast on CUDA: compiled steps replay as CUDA graphs
             * @default false
             */
            cuda_graphs?: boolean;
            /**
             * Execution
             * @description eager: steps run as written; fast: the forward and loss compiled
             * @enum {string}
             */
            execution: "eager" | "fast";
            /**
             * Precision
             * @description off: float32; bf16 or fp16: the forward under autocast (fp16 with a gradient scaler)
             * @enum {string}
             */
            precision: "off" | "bf16" | "fp16";
            /**
             * Tf32
             * @description float32 matmuls on TF32 tensor cores (CUDA)
             * @default false
             */
            tf32?: boolean;
        };
        /**
         * ExportRequest
         * @description What to export: `document`, always (`run_id`, a run's trained weights, is
         *     reserved and refused until then).
         */
        ExportRequest: {
            /** @description The graph to export */
            document: components["schemas"]["GraphDocument"];
            /**
             * Format
             * @description python: PyTorch source (text); safetensors: weights of a fresh initialisation; onnx: the network as ONNX (one network per file)
             * @enum {string}
             */
            format: "python" | "safetensors" | "onnx";
            /**
             * Network
             * @description Which network, for ONNX of a multi-network graph
             * @default null
             */
            network?: string | null;
            /**
             * Run Id
             * @description Reserved: a run's weights
             * @default null
             */
            run_id?: string | null;
            /**
             * Seed
             * @description Seed of the initialisation
             * @default 0
             */
            seed?: number;
        };
        /** FeatureMap */
        FeatureMap: {
            /**
             * Channels
             * @description Its first channels, each min-max normalised to 0..255 on its own
             */
            channels: components["schemas"]["ImageData"][];
            /**
             * Node
             * @description Node id of the Conv2d layer
             */
            node: string;
            /**
             * Shape
             * @description Its output per sample: channels, height, width
             */
            shape: number[];
        };
        /** FeatureMapsView */
        FeatureMapsView: {
            /** @description The validation image the maps are of */
            image: components["schemas"]["ImageData"];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "feature_maps";
            /**
             * Label
             * @description That image's class, in words
             */
            label?: string | null;
            /**
             * Layers
             * @description Each Conv2d layer's output, in compute order
             */
            layers: components["schemas"]["FeatureMap"][];
        };
        /**
         * ForkOrigin
         * @description The checkpoint whose weights a forked run starts from.
         */
        ForkOrigin: {
            /**
             * Checkpoint
             * @description step-00000120
             */
            checkpoint: string;
            /** Run */
            run: string;
            /** Step */
            step: number;
        };
        /**
         * ForkRequest
         * @description Start from the weights of one of a run's kept checkpoints.
         */
        ForkRequest: {
            /**
             * Checkpoint
             * @description One of GET /api/runs/{run}/checkpoints; default its latest
             * @default null
             */
            checkpoint?: string | null;
            /**
             * Run
             * @description The run to fork
             */
            run: string;
        };
        /**
         * GradientRule
         * @description When the server calls gradients vanishing or exploding (train/health.py). Both
         *     rules are relative: gradient norms differ by orders of magnitude between healthy
         *     networks, so no absolute norm means trouble.
         */
        GradientRule: {
            /**
             * Exploding Factor
             * @description Exploding: the total gradient norm is over this multiple of its early reference (or not finite)
             */
            exploding_factor: number;
            /**
             * Reference Samples
             * @description The early reference is the median of the first this-many total norms measured before the one judged; judging starts at the second measurement
             */
            reference_samples: number;
            /**
             * Sustain
             * @description Consecutive measurements a diagnosis must hold before it is reported
             */
            sustain: number;
            /**
             * Vanishing Ratio
             * @description Vanishing: the earliest weight layer's gradient norm is under this share of the last weight layer's, at the same step
             */
            vanishing_ratio: number;
        };
        /** GradNormsEvent */
        GradNormsEvent: {
            /**
             * Epoch
             * @description Current epoch, from 0
             */
            epoch?: number | null;
            /** Nonfinite */
            nonfinite?: string[];
            /**
             * Run
             * @description Run id
             */
            run: string;
            /**
             * Seq
             * @description Per-run sequence number, from 1, without gaps
             */
            seq: number;
            /**
             * Step
             * @description Optimizer steps taken so far
             */
            step: number;
            /**
             * Time
             * @description Seconds since the run started (resumes continue the clock)
             */
            time: number;
            /**
             * Total
             * @description L2 norm of all gradients together
             */
            total: number | null;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "grad_norms";
            /**
             * Values
             * @description L2 norm of each layer's gradient, by node id
             */
            values: {
                [key: string]: number | null;
            };
        };
        /** GraphDocument */
        GraphDocument: {
            /** Blocks */
            blocks?: components["schemas"]["BlockDoc"][];
            /**
             * Description
             * @default
             */
            description?: string;
            /** Edges */
            edges?: components["schemas"]["EdgeDoc"][];
            /**
             * Format
             * @default layerlab.graph
             * @constant
             */
            format?: "layerlab.graph";
            /**
             * Name
             * @default Untitled
             */
            name?: string;
            /** Nodes */
            nodes?: components["schemas"]["NodeDoc"][];
            /** Training */
            training?: {
                [key: string]: unknown;
            };
            /**
             * Version
             * @default 1
             * @constant
             */
            version?: 1;
        };
        /**
         * GraphHas
         * @description The open graph has at least `at_least` nodes of type `op` (blocks included).
         */
        GraphHas: {
            /**
             * At Least
             * @default 1
             */
            at_least?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "graph_has";
            /** Op */
            op: string;
        };
        /**
         * GraphIssue
         * @description One error or warning. `node_id` is the node as the document names it (inside a
         *     block definition when `block` is set); `path` is where it sits once blocks are
         *     expanded (`layer1.0.conv1`); `port` and `field` narrow it down when known.
         *
         *     Built from a message of the catalog (`layerlab/messages`): `key` and `params`;
         *     `message` is then that message in English, filled in here.
         */
        GraphIssue: {
            /** Block */
            block?: string | null;
            code: components["schemas"]["Code"];
            /** Field */
            field?: string | null;
            /**
             * Key
             * @description The message's key in the catalog (GET /api/meta `messages`); empty for a message that is not from it
             * @default
             */
            key?: string;
            /**
             * Message
             * @description The message in English
             * @default
             */
            message: string;
            /** Node Id */
            node_id?: string | null;
            /**
             * Params
             * @description The values the message's template names
             */
            params?: {
                [key: string]: string | number | string[] | number[] | null;
            };
            /** Path */
            path?: string | null;
            /** Port */
            port?: string | null;
        };
        /** GraphList */
        GraphList: {
            /** Items */
            items: components["schemas"]["GraphSummary"][];
            /** Total */
            total: number;
        };
        /** GraphRecord */
        GraphRecord: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** @description The newest version's document */
            document: components["schemas"]["GraphDocument"];
            /** Id */
            id: string;
            /** Name */
            name: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /**
             * Version
             * @description Newest version; send it as If-Match to save on top of it
             */
            version: number;
        };
        /** GraphSummary */
        GraphSummary: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Id */
            id: string;
            /** Name */
            name: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /**
             * Version
             * @description Newest version; send it as If-Match to save on top of it
             */
            version: number;
        };
        /** Health */
        Health: {
            /**
             * Auth
             * @description Whether REST routes need the bearer token
             */
            auth: boolean;
            /**
             * Database
             * @description sqlite or postgresql
             */
            database: string;
            /**
             * Status
             * @default ok
             * @constant
             */
            status?: "ok";
            /** Version */
            version: string;
        };
        /** HealthEvent */
        HealthEvent: {
            /**
             * Active
             * @description False when a reported problem has cleared
             * @default true
             */
            active?: boolean;
            /**
             * Diagnosis
             * @enum {string}
             */
            diagnosis: "vanishing_gradients" | "exploding_gradients" | "dead_relu" | "saturated" | "overfitting" | "divergence";
            /**
             * Epoch
             * @description Current epoch, from 0
             */
            epoch?: number | null;
            /**
             * Key
             * @description The message's key in the catalog (GET /api/meta `messages`); empty for a message that is not from it
             * @default
             */
            key?: string;
            /**
             * Message
             * @description The message in English
             */
            message: string;
            /**
             * Node
             * @description The layer concerned (node id), or null for the whole network
             */
            node: string | null;
            /**
             * Params
             * @description The values the message's template names
             */
            params?: {
                [key: string]: string | number | string[] | number[] | null;
            };
            /**
             * Run
             * @description Run id
             */
            run: string;
            /**
             * Seq
             * @description Per-run sequence number, from 1, without gaps
             */
            seq: number;
            /**
             * Severity
             * @default warning
             * @enum {string}
             */
            severity?: "warning" | "error";
            /**
             * Step
             * @description Optimizer steps taken so far
             */
            step: number;
            /**
             * Time
             * @description Seconds since the run started (resumes continue the clock)
             */
            time: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "health";
            /**
             * Value
             * @description The measurement behind the diagnosis
             */
            value?: number | null;
        };
        /** Histogram */
        Histogram: {
            /**
             * Counts
             * @description 32 bin counts over a sample of the values
             */
            counts: number[];
            /**
             * High
             * @description Right edge of the last bin
             */
            high: number | null;
            /**
             * Low
             * @description Left edge of the first bin
             */
            low: number | null;
        };
        /**
         * ImageData
         * @description A small image: base64 of uint8 pixels, row-major (height, width, channels).
         */
        ImageData: {
            /**
             * Channels
             * @enum {integer}
             */
            channels: 1 | 3;
            /** Data */
            data: string;
            /** Height */
            height: number;
            /** Width */
            width: number;
        };
        /** ImageGridView */
        ImageGridView: {
            /**
             * Columns
             * @description Images per row, when the grid has rows (else they wrap)
             */
            columns?: number | null;
            /** Images */
            images: components["schemas"]["ImageData"][];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "image_grid";
            /**
             * Row Labels
             * @description One label per row of `columns` images
             */
            row_labels?: string[] | null;
            /** Title */
            title: string;
        };
        /**
         * IntRange
         * @description Integers from `lo` to `hi` (both included), `step` apart.
         */
        IntRange: {
            /**
             * Int
             * @description [lo, hi], both included, lo <= hi
             */
            int: [
                number,
                number
            ];
            /**
             * Step
             * @description Distance between the values
             * @default 1
             */
            step?: number;
        };
        /** LatentView */
        LatentView: {
            /**
             * Classes
             * @description Class names, by class id
             */
            classes?: string[] | null;
            /**
             * Dims
             * @description Values in one code (the bottleneck's width)
             */
            dims: number;
            /**
             * Explained
             * @description Share of the codes' variance along each of the two axes shown
             */
            explained: [
                number | null,
                number | null
            ];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "latent";
            /**
             * Node
             * @description Node id of the layer whose output is the code
             */
            node: string;
            /**
             * Points
             * @description Validation codes projected on their first two principal axes: x, y, class
             */
            points: [
                number | null,
                number | null,
                number | null
            ][];
            /**
             * Walk
             * @description Codes on the line between two validation codes, decoded
             */
            walk?: components["schemas"]["ImageData"][] | null;
            /**
             * Walk Labels
             * @description The classes of the walk's two ends
             */
            walk_labels?: [
                string,
                string
            ] | null;
        };
        /**
         * LearnCard
         * @description What a node type teaches: the inspector's Learn card and its section of docs/ops.md,
         *     in English and Simplified Chinese.
         */
        LearnCard: {
            /**
             * Formula
             * @description What it computes, one line of plain-text math (y = x·Wᵀ + b)
             */
            formula: string;
            /** @description The common mistakes */
            mistakes: components["schemas"]["Text"];
            /** @description Its parameter count in its parameters' names; starts with none when it has no parameters */
            params: components["schemas"]["Text"];
            /** @description Its shape rule: (…, in_features) → (…, out_features) */
            shape: components["schemas"]["Text"];
            /** @description When to use it */
            when: components["schemas"]["Text"];
        };
        /** Lesson */
        Lesson: {
            chapter: components["schemas"]["Text"];
            goal: components["schemas"]["Text"];
            /**
             * Id
             * @description The file's stem
             */
            id: string;
            /**
             * Order
             * @description Its place in the course
             */
            order: number;
            /** Steps */
            steps: components["schemas"]["Step"][];
            title: components["schemas"]["Text"];
        };
        /** LessonSummary */
        LessonSummary: {
            chapter: components["schemas"]["Text"];
            goal: components["schemas"]["Text"];
            /** Id */
            id: string;
            /** Order */
            order: number;
            /** Steps */
            steps: number;
            title: components["schemas"]["Text"];
        };
        /** LogEvent */
        LogEvent: {
            /**
             * Epoch
             * @description Current epoch, from 0
             */
            epoch?: number | null;
            /**
             * Level
             * @default info
             * @enum {string}
             */
            level?: "info" | "warning" | "error";
            /** Message */
            message: string;
            /**
             * Run
             * @description Run id
             */
            run: string;
            /**
             * Seq
             * @description Per-run sequence number, from 1, without gaps
             */
            seq: number;
            /**
             * Step
             * @description Optimizer steps taken so far
             */
            step: number;
            /**
             * Time
             * @description Seconds since the run started (resumes continue the clock)
             */
            time: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "log";
        };
        /**
         * LogUniform
         * @description Floats between `lo` and `hi`, evenly on a log scale (learning rates).
         */
        LogUniform: {
            /**
             * Log Uniform
             * @description [lo, hi], 0 < lo < hi
             */
            log_uniform: [
                number,
                number
            ];
        };
        /**
         * MetricBound
         * @description The run on screen's latest `metric` is at least / at most a value.
         */
        MetricBound: {
            /** At Least */
            at_least?: number | null;
            /** At Most */
            at_most?: number | null;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "metric";
            /** Metric */
            metric: string;
        };
        /** MetricsEvent */
        MetricsEvent: {
            /**
             * Epoch
             * @description Current epoch, from 0
             */
            epoch?: number | null;
            /**
             * Nonfinite
             * @description Keys whose value was NaN or infinite
             */
            nonfinite?: string[];
            /**
             * Run
             * @description Run id
             */
            run: string;
            /**
             * Seq
             * @description Per-run sequence number, from 1, without gaps
             */
            seq: number;
            /**
             * Step
             * @description Optimizer steps taken so far
             */
            step: number;
            /**
             * Time
             * @description Seconds since the run started (resumes continue the clock)
             */
            time: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "metrics";
            /**
             * Values
             * @description train/loss, val/acc, lr, samples_per_s, ...
             */
            values: {
                [key: string]: number | null;
            };
        };
        /** NetworkReport */
        NetworkReport: {
            /** Flops */
            flops: number;
            /** Inputs */
            inputs: string[];
            /** Name */
            name: string;
            /** Outputs */
            outputs: string[];
            /** Params */
            params: number;
        };
        /** NodeDoc */
        NodeDoc: {
            /** Id */
            id: string;
            /** Label */
            label?: string | null;
            /**
             * Network
             * @description Which network the node belongs to
             */
            network?: string | null;
            /** Params */
            params?: {
                [key: string]: unknown;
            };
            position?: components["schemas"]["Position"] | null;
            /**
             * Repeat
             * @description Copies of a block, chained; only for block types
             * @default 1
             */
            repeat?: number;
            /** Type */
            type: string;
        };
        /** NodeReport */
        NodeReport: {
            /**
             * Flops
             * @description Forward FLOPs for one sample
             */
            flops: number;
            /**
             * Id
             * @description Node id; inside blocks, the dotted path (layer1.0.conv1)
             */
            id: string;
            /**
             * Inputs
             * @description Input spec by port name
             */
            inputs: {
                [key: string]: components["schemas"]["TensorSpec"];
            };
            /**
             * Outputs
             * @description Output spec by port name
             */
            outputs: {
                [key: string]: components["schemas"]["TensorSpec"];
            };
            /**
             * Param Terms
             * @description Each parameter tensor of the node's module (weight (16, 2) 32, bias (16,) 16), summing to params; empty for a block instance and a node without parameters
             */
            param_terms?: components["schemas"]["ParamTerm"][];
            /**
             * Params
             * @description Parameters, block insides included
             */
            params: number;
            /** Type */
            type: string;
        };
        /**
         * Objective
         * @description The metric each trial is judged by, as its run reports it at each epoch's end.
         */
        Objective: {
            /**
             * Direction
             * @description Default: maximize accuracies and r2, minimize the rest (losses)
             * @default maximize
             * @enum {string}
             */
            direction?: "maximize" | "minimize";
            /**
             * Metric
             * @description A metric the runs report per epoch: val/acc, val/loss, ...
             * @default val/acc
             */
            metric?: string;
        };
        /**
         * OnnxImport
         * @description What an ONNX file became: a document and its weights, or every operator that
         *     has no exact equivalent, located.
         */
        OnnxImport: {
            /** @description The imported graph (null when refused) */
            document: components["schemas"]["GraphDocument"] | null;
            /** Ok */
            ok: boolean;
            /**
             * Tensors
             * @description Tensors in the weights file
             */
            tensors: number;
            /**
             * Unsupported
             * @description Operators with no exact equivalent, each with its index and name
             */
            unsupported: components["schemas"]["Unsupported"][];
            /**
             * Weights Id
             * @description The imported weights, kept on the server: GET /api/import/weights/{id}
             */
            weights_id: string | null;
        };
        /**
         * OpSchema
         * @description One node type: the palette entry and the inspector form.
         */
        OpSchema: {
            /** Category */
            category: string;
            /** Inputs */
            inputs: components["schemas"]["PortSchema"][];
            /**
             * Key Params
             * @description Parameters shown on the node itself
             */
            key_params: string[];
            /** @description The inspector's Learn card: the server sends one for every type */
            learn?: components["schemas"]["LearnCard"] | null;
            /** Outputs */
            outputs: components["schemas"]["PortSchema"][];
            /**
             * Params Schema
             * @description JSON Schema of the parameters: each property's description, and description_zh beside it in Simplified Chinese
             */
            params_schema: {
                [key: string]: unknown;
            };
            /** Summary */
            summary: string;
            /**
             * Summary Zh
             * @description summary in Simplified Chinese: the server sends one for every type
             * @default
             */
            summary_zh?: string;
            /**
             * Type
             * @description Type id, a torch class name: Conv2d, Linear, ...
             */
            type: string;
        };
        /**
         * ParamTerm
         * @description One parameter tensor of a node's module: weight (16, 2) holds 32 numbers.
         */
        ParamTerm: {
            /**
             * Count
             * @description Numbers it holds: the product of its shape
             */
            count: number;
            /**
             * Name
             * @description The torch parameter's name: weight, bias, self_attn.in_proj_weight
             */
            name: string;
            /** Shape */
            shape: number[];
        };
        /** PointsView */
        PointsView: {
            /** Generated */
            generated: [
                number | null,
                number | null
            ][];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "points";
            /** Real */
            real: [
                number | null,
                number | null
            ][];
        };
        /** PortSchema */
        PortSchema: {
            /** Description */
            description: string;
            /**
             * Dtype
             * @description float32, int64 or any
             */
            dtype: string;
            /** Name */
            name: string;
            /** Optional */
            optional: boolean;
        };
        /** Position */
        Position: {
            /**
             * X
             * @default 0
             */
            x?: number;
            /**
             * Y
             * @default 0
             */
            y?: number;
        };
        /** Prediction */
        Prediction: {
            /** Confidence */
            confidence?: number | null;
            /** Correct */
            correct?: boolean | null;
            image?: components["schemas"]["ImageData"] | null;
            /**
             * Input
             * @description Small non-image inputs, flattened
             */
            input?: (number | null)[] | null;
            /** Predicted */
            predicted: string;
            /** Target */
            target: string;
        };
        /** PredictionsView */
        PredictionsView: {
            /** Items */
            items: components["schemas"]["Prediction"][];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "predictions";
        };
        /** Preset */
        Preset: {
            /**
             * Cpu Seconds
             * @description About how long its training takes on a 2-core CPU
             */
            cpu_seconds?: number | null;
            /**
             * Dataset
             * @description training.dataset
             */
            dataset?: string | null;
            /**
             * Description
             * @description The document's description
             * @default
             */
            description?: string;
            document: components["schemas"]["GraphDocument"];
            /**
             * Family
             * @description Start-screen group: MLP, CNN, RNN, ...
             * @default Other
             */
            family?: string;
            /**
             * Name
             * @description File stem, the preset's id: lenet5_mnist
             */
            name: string;
            /**
             * Params
             * @description Parameters (null: does not check)
             */
            params?: number | null;
            sketch?: components["schemas"]["PresetSketch"] | null;
            /**
             * Teaches
             * @description What the preset teaches, in one line
             * @default
             */
            teaches?: string;
            /**
             * Teaches Zh
             * @description teaches in Simplified Chinese
             * @default
             */
            teaches_zh?: string;
            /** Title */
            title: string;
            /**
             * Title Zh
             * @description title in Simplified Chinese
             * @default
             */
            title_zh?: string;
            /**
             * Twin
             * @description The preset to train beside it (the cure of what it shows)
             */
            twin?: string | null;
        };
        /**
         * PresetOpen
         * @description The open document came from this preset (edits allowed).
         */
        PresetOpen: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "preset_open";
            /** Preset */
            preset: string;
        };
        /**
         * PresetSketch
         * @description A preset's top level, enough to draw a small picture of it.
         */
        PresetSketch: {
            /** Edges */
            edges: components["schemas"]["SketchEdge"][];
            /** Nodes */
            nodes: components["schemas"]["SketchNode"][];
        };
        /** PresetSummary */
        PresetSummary: {
            /**
             * Cpu Seconds
             * @description About how long its training takes on a 2-core CPU
             */
            cpu_seconds?: number | null;
            /**
             * Dataset
             * @description training.dataset
             */
            dataset?: string | null;
            /**
             * Description
             * @description The document's description
             * @default
             */
            description?: string;
            /**
             * Family
             * @description Start-screen group: MLP, CNN, RNN, ...
             * @default Other
             */
            family?: string;
            /**
             * Name
             * @description File stem, the preset's id: lenet5_mnist
             */
            name: string;
            /**
             * Params
             * @description Parameters (null: does not check)
             */
            params?: number | null;
            sketch?: components["schemas"]["PresetSketch"] | null;
            /**
             * Teaches
             * @description What the preset teaches, in one line
             * @default
             */
            teaches?: string;
            /**
             * Teaches Zh
             * @description teaches in Simplified Chinese
             * @default
             */
            teaches_zh?: string;
            /** Title */
            title: string;
            /**
             * Title Zh
             * @description title in Simplified Chinese
             * @default
             */
            title_zh?: string;
            /**
             * Twin
             * @description The preset to train beside it (the cure of what it shows)
             */
            twin?: string | null;
        };
        /** PreviewColumn */
        PreviewColumn: {
            /** Name */
            name: string;
            /**
             * Role
             * @enum {string}
             */
            role: "feature" | "target";
            /**
             * Type
             * @enum {string}
             */
            type: "number" | "text";
        };
        /** ReconstructionsView */
        ReconstructionsView: {
            /** Inputs */
            inputs: components["schemas"]["ImageData"][];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "reconstructions";
            /**
             * Originals
             * @description Clean images when the inputs were corrupted
             */
            originals?: components["schemas"]["ImageData"][] | null;
            /** Outputs */
            outputs: components["schemas"]["ImageData"][];
        };
        /** RunDetail */
        RunDetail: {
            /**
             * Attempt
             * @description Leases granted so far (1 on the first worker)
             */
            attempt: number;
            /** @description The training configuration, overrides applied */
            config: components["schemas"]["TrainingConfig"];
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Dataset Used
             * @description What its worker trains on, once it started: the set, or a stand-in, said so
             */
            dataset_used: string | null;
            /**
             * Device
             * @description Where its latest attempt trains (null: not yet)
             */
            device: string | null;
            /** @description The snapshot that trains */
            document: components["schemas"]["GraphDocument"];
            /** Failure Reason */
            failure_reason: string | null;
            /**
             * Failures
             * @description Workers lost while training it
             */
            failures: number;
            /** Finished At */
            finished_at: string | null;
            /** @description The checkpoint it was forked from */
            fork: components["schemas"]["ForkOrigin"] | null;
            /** Graph Id */
            graph_id: string | null;
            /** Graph Version */
            graph_version: number | null;
            /** Id */
            id: string;
            /**
             * Last Seq
             * @description Seq of its newest stored event
             */
            last_seq: number;
            /** Max Attempts */
            max_attempts: number;
            /**
             * Memory Bytes
             * @description Estimated training memory
             */
            memory_bytes: number | null;
            /**
             * Name
             * @description The document's name
             */
            name: string;
            /**
             * Requested
             * @description What a person asked for that the run has not done yet, or still holds
             */
            requested: ("pause" | "stop") | null;
            /**
             * Start Weights
             * @description The imported weights it started from (onnx_ + 16 hex)
             */
            start_weights?: string | null;
            /** Started At */
            started_at: string | null;
            /**
             * Status
             * @enum {string}
             */
            status: "queued" | "running" | "paused" | "finished" | "stopped" | "pruned" | "failed" | "diverged";
            /** @description The sweep it is a trial of, if any */
            sweep: components["schemas"]["SweepTrialRef"] | null;
            /**
             * Worker
             * @description The worker holding it now
             */
            worker: string | null;
        };
        /**
         * RunEpoch
         * @description The run on screen has finished `at_least` epochs (its epoch-end metrics).
         */
        RunEpoch: {
            /** At Least */
            at_least: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "run_epoch";
        };
        /** RunList */
        RunList: {
            /** Items */
            items: components["schemas"]["RunRecord"][];
            /** Total */
            total: number;
        };
        /** RunRecord */
        RunRecord: {
            /**
             * Attempt
             * @description Leases granted so far (1 on the first worker)
             */
            attempt: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Dataset Used
             * @description What its worker trains on, once it started: the set, or a stand-in, said so
             */
            dataset_used: string | null;
            /**
             * Device
             * @description Where its latest attempt trains (null: not yet)
             */
            device: string | null;
            /** Failure Reason */
            failure_reason: string | null;
            /**
             * Failures
             * @description Workers lost while training it
             */
            failures: number;
            /** Finished At */
            finished_at: string | null;
            /** @description The checkpoint it was forked from */
            fork: components["schemas"]["ForkOrigin"] | null;
            /** Graph Id */
            graph_id: string | null;
            /** Graph Version */
            graph_version: number | null;
            /** Id */
            id: string;
            /**
             * Last Seq
             * @description Seq of its newest stored event
             */
            last_seq: number;
            /** Max Attempts */
            max_attempts: number;
            /**
             * Memory Bytes
             * @description Estimated training memory
             */
            memory_bytes: number | null;
            /**
             * Name
             * @description The document's name
             */
            name: string;
            /**
             * Requested
             * @description What a person asked for that the run has not done yet, or still holds
             */
            requested: ("pause" | "stop") | null;
            /**
             * Start Weights
             * @description The imported weights it started from (onnx_ + 16 hex)
             */
            start_weights?: string | null;
            /** Started At */
            started_at: string | null;
            /**
             * Status
             * @enum {string}
             */
            status: "queued" | "running" | "paused" | "finished" | "stopped" | "pruned" | "failed" | "diverged";
            /** @description The sweep it is a trial of, if any */
            sweep: components["schemas"]["SweepTrialRef"] | null;
            /**
             * Worker
             * @description The worker holding it now
             */
            worker: string | null;
        };
        /**
         * RunStatusGroups
         * @description The run statuses (train/events.py), all in the order a run goes through them, and
         *     their groups.
         */
        RunStatusGroups: {
            /**
             * Active
             * @description A worker holds the run (paused too)
             */
            active: ("running" | "paused")[];
            /** All */
            all: ("queued" | "running" | "paused" | "finished" | "stopped" | "pruned" | "failed" | "diverged")[];
            /**
             * End
             * @description Ended: nothing changes the run any more
             */
            end: ("finished" | "stopped" | "pruned" | "failed" | "diverged")[];
            /**
             * Failure
             * @description Ended badly; the message says why
             */
            failure: ("failed" | "diverged")[];
            /**
             * Open
             * @description Not ended: waiting for a worker, or held
             */
            open: ("queued" | "running" | "paused")[];
        };
        /**
         * RunStatusIs
         * @description The run on screen has this status (diverged, finished, ...).
         */
        RunStatusIs: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "run_status";
            /**
             * Status
             * @enum {string}
             */
            status: "queued" | "running" | "paused" | "finished" | "stopped" | "pruned" | "failed" | "diverged";
        };
        /** SamplesEvent */
        SamplesEvent: {
            /**
             * Epoch
             * @description Current epoch, from 0
             */
            epoch?: number | null;
            /**
             * Run
             * @description Run id
             */
            run: string;
            /**
             * Seq
             * @description Per-run sequence number, from 1, without gaps
             */
            seq: number;
            /**
             * Step
             * @description Optimizer steps taken so far
             */
            step: number;
            /**
             * Time
             * @description Seconds since the run started (resumes continue the clock)
             */
            time: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "samples";
            /** Views */
            views: (components["schemas"]["PredictionsView"] | components["schemas"]["ConfusionView"] | components["schemas"]["DecisionBoundaryView"] | components["schemas"]["CurveView"] | components["schemas"]["ImageGridView"] | components["schemas"]["ReconstructionsView"] | components["schemas"]["VectorReconstructionsView"] | components["schemas"]["PointsView"] | components["schemas"]["SequencesView"] | components["schemas"]["TextView"] | components["schemas"]["AttentionView"] | components["schemas"]["SimilarityView"] | components["schemas"]["FeatureMapsView"] | components["schemas"]["LatentView"])[];
        };
        /** SequencePrediction */
        SequencePrediction: {
            /** Correct */
            correct: boolean;
            /** Predicted */
            predicted: string;
            /** Source */
            source: string;
            /** Target */
            target: string;
        };
        /** SequencesView */
        SequencesView: {
            /** Items */
            items: components["schemas"]["SequencePrediction"][];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "sequences";
        };
        /** ServerMeta */
        ServerMeta: {
            activations: components["schemas"]["ActivationRule"];
            gradients: components["schemas"]["GradientRule"];
            /**
             * Messages
             * @description Every server message by key, its template in English and Chinese (layerlab/messages/catalog.py): `{name}` and `{name:spec}` take the message's params
             */
            messages: {
                [key: string]: components["schemas"]["Text"];
            };
            statuses: components["schemas"]["RunStatusGroups"];
            /**
             * Tasks
             * @description Every task, in declaration order
             */
            tasks: components["schemas"]["TaskFacts"][];
            /**
             * Training Schema
             * @description JSON Schema of a document's `training` section (TrainingConfig)
             */
            training_schema: {
                [key: string]: unknown;
            };
        };
        /** SimilarityView */
        SimilarityView: {
            /**
             * Images
             * @description One image per row
             */
            images: components["schemas"]["ImageData"][];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "similarity";
            /**
             * Labels
             * @description Each row's image, in words (its class)
             */
            labels: string[];
            /**
             * Texts
             * @description One text per column
             */
            texts: string[];
            /** Title */
            title: string;
            /**
             * Values
             * @description [row][column] how well each image matches each text (softmax over a row)
             */
            values: (number | null)[][];
        };
        /** SketchEdge */
        SketchEdge: {
            /** Source */
            source: string;
            /** Target */
            target: string;
        };
        /** SketchNode */
        SketchNode: {
            /** Id */
            id: string;
            /**
             * Repeat
             * @description Chained copies (a block repeated)
             * @default 1
             */
            repeat?: number;
            /**
             * Type
             * @description Node type, or the name of the block it instantiates
             */
            type: string;
        };
        /** StatusEvent */
        StatusEvent: {
            /**
             * Dataset
             * @description On running: the data it trains on ('mnist', or a stand-in, said so)
             */
            dataset?: string | null;
            /**
             * Epoch
             * @description Current epoch, from 0
             */
            epoch?: number | null;
            /** @description On running: how steps execute; with execution fast, again (compiling false, compile_s set) once the first compiled step is done */
            execution?: components["schemas"]["ExecutionInfo"] | null;
            /**
             * Key
             * @description The message's key in the catalog (GET /api/meta `messages`); empty for a message that is not from it
             * @default
             */
            key?: string;
            /**
             * Message
             * @description Why, in English (early stopping, a stop's reason, ...)
             * @default
             */
            message?: string;
            /**
             * Params
             * @description The values the message's template names
             */
            params?: {
                [key: string]: string | number | string[] | number[] | null;
            };
            /**
             * Run
             * @description Run id
             */
            run: string;
            /**
             * Seq
             * @description Per-run sequence number, from 1, without gaps
             */
            seq: number;
            /**
             * Status
             * @enum {string}
             */
            status: "queued" | "running" | "paused" | "finished" | "stopped" | "pruned" | "failed" | "diverged";
            /**
             * Step
             * @description Optimizer steps taken so far
             */
            step: number;
            /**
             * Time
             * @description Seconds since the run started (resumes continue the clock)
             */
            time: number;
            /**
             * Total Steps
             * @description Steps the run will take if it is not stopped early
             */
            total_steps?: number | null;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "status";
        };
        /** Step */
        Step: {
            /**
             * Check
             * @description Done when this holds; a step without one is read
             */
            check?: (components["schemas"]["GraphHas"] | components["schemas"]["PresetOpen"] | components["schemas"]["TrainingIs"] | components["schemas"]["RunEpoch"] | components["schemas"]["RunStatusIs"] | components["schemas"]["MetricBound"] | components["schemas"]["DiagnosisShown"]) | null;
            /**
             * Preset
             * @description A preset the step opens
             */
            preset?: string | null;
            text: components["schemas"]["Text"];
        };
        /** SweepDetail */
        SweepDetail: {
            best: components["schemas"]["BestTrial"] | null;
            counts: components["schemas"]["TrialCounts"];
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Direction
             * @enum {string}
             */
            direction: "maximize" | "minimize";
            /** @description The document every trial varies */
            document: components["schemas"]["GraphDocument"];
            /** Finished At */
            finished_at: string | null;
            /** Graph Id */
            graph_id: string | null;
            /** Graph Version */
            graph_version: number | null;
            /** Id */
            id: string;
            /**
             * Importance
             * @description Optuna's parameter importance (PED-ANOVA), once two trials are complete
             */
            importance: {
                [key: string]: number;
            } | null;
            /**
             * Message
             * @description How it ended, in English
             */
            message: string | null;
            /**
             * Message Key
             * @description The message's key in the catalog (GET /api/meta `messages`); empty for a message that is not from it
             * @default
             */
            message_key?: string;
            /** Metric */
            metric: string;
            /**
             * Name
             * @description The document's name
             */
            name: string;
            /** Parallel */
            parallel: number;
            /** @description The sweep's settings, as created */
            spec: components["schemas"]["SweepSpec"];
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "stopping" | "completed" | "stopped";
            /**
             * Trial List
             * @description Every trial asked for so far, by number
             */
            trial_list: components["schemas"]["TrialRecord"][];
            /**
             * Trials
             * @description Trials asked for in all
             */
            trials: number;
        };
        /** SweepList */
        SweepList: {
            /** Items */
            items: components["schemas"]["SweepRecord"][];
            /** Total */
            total: number;
        };
        /** SweepRecord */
        SweepRecord: {
            best: components["schemas"]["BestTrial"] | null;
            counts: components["schemas"]["TrialCounts"];
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Direction
             * @enum {string}
             */
            direction: "maximize" | "minimize";
            /** Finished At */
            finished_at: string | null;
            /** Graph Id */
            graph_id: string | null;
            /** Graph Version */
            graph_version: number | null;
            /** Id */
            id: string;
            /**
             * Message
             * @description How it ended, in English
             */
            message: string | null;
            /**
             * Message Key
             * @description The message's key in the catalog (GET /api/meta `messages`); empty for a message that is not from it
             * @default
             */
            message_key?: string;
            /** Metric */
            metric: string;
            /**
             * Name
             * @description The document's name
             */
            name: string;
            /** Parallel */
            parallel: number;
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "stopping" | "completed" | "stopped";
            /**
             * Trials
             * @description Trials asked for in all
             */
            trials: number;
        };
        /**
         * SweepSpec
         * @description A sweep's settings (everything but the document).
         */
        SweepSpec: {
            /**
             * Config
             * @description Overrides of TrainingConfig fields for every trial (epochs, ...)
             */
            config?: {
                [key: string]: unknown;
            };
            objective?: components["schemas"]["Objective"];
            /**
             * Parallel
             * @description Trials queued or training at once
             * @default 1
             */
            parallel?: number;
            /**
             * Pruner
             * @default none
             * @enum {string}
             */
            pruner?: "none" | "median" | "successive_halving";
            /**
             * Sampler
             * @default tpe
             * @enum {string}
             */
            sampler?: "tpe" | "random" | "grid";
            /**
             * Seed
             * @description The sampler's seed (the same seed samples the same points)
             */
            seed?: number | null;
            /**
             * Space
             * @description Path -> distribution: what varies, over what values
             */
            space: {
                [key: string]: components["schemas"]["LogUniform"] | components["schemas"]["Uniform"] | components["schemas"]["IntRange"] | components["schemas"]["Choice"];
            };
            /**
             * Trials
             * @description Trials in all (a grid: at most its size)
             * @default 10
             */
            trials?: number;
        };
        /**
         * SweepTrialRef
         * @description The sweep a run is a trial of.
         */
        SweepTrialRef: {
            /** Sweep */
            sweep: string;
            /**
             * Trial
             * @description Its trial number in the sweep, from 0
             */
            trial: number;
        };
        /** TablePreview */
        TablePreview: {
            /** Columns */
            columns: components["schemas"]["PreviewColumn"][];
            /**
             * Rows
             * @description The first 20 data rows, as in the file
             */
            rows: string[][];
        };
        /**
         * TaskFacts
         * @description A task as its declaration in train/tasks says it (Task.targets, Task.usual_for).
         */
        TaskFacts: {
            /**
             * Name
             * @enum {string}
             */
            name: "classification" | "regression" | "many_to_one" | "seq2seq" | "language_model" | "masked_lm" | "autoencoder" | "denoising_autoencoder" | "vae" | "gan" | "contrastive" | "diffusion";
            /** Summary */
            summary: string;
            /**
             * Targets
             * @description The dataset targets it learns from
             */
            targets: ("class" | "value" | "sequence" | "none")[];
            /**
             * Usual For
             * @description The target it is the usual task for: the one to switch to when a newly chosen dataset's target does not fit the current task
             */
            usual_for: ("class" | "value" | "sequence" | "none") | null;
        };
        /**
         * TelemetryConfig
         * @description How often each kind of telemetry is measured. Every rate is bounded twice: by
         *     these periods and by a rate cap (`max_scalars_per_s`, `max_events_per_s`), so a fast
         *     loop cannot flood a viewer. The first step measures everything, so a run shows its
         *     first loss point and its first picture of every layer at once.
         */
        TelemetryConfig: {
            /**
             * Activations Every
             * @description Steps between activation statistics (hooks on that step only); a short run samples more often, down to every activations_min_every steps, to get activations_samples of them
             * @default 50
             */
            activations_every?: number;
            /**
             * Activations Min Every
             * @description Fewest steps between activation samples, however short the run
             * @default 5
             */
            activations_min_every?: number;
            /**
             * Activations Samples
             * @description Activation samples a short run aims for (a timeline worth scrubbing)
             * @default 40
             */
            activations_samples?: number;
            /**
             * Enabled
             * @description Off: only status, checkpoints, divergence and epoch metrics
             * @default true
             */
            enabled?: boolean;
            /**
             * Grad Norms Every
             * @description Steps between per-layer gradient norms (one fused call)
             * @default 10
             */
            grad_norms_every?: number;
            /**
             * Health
             * @description Diagnose vanishing/exploding gradients, dead units, saturation, overfitting
             * @default true
             */
            health?: boolean;
            /**
             * Max Events Per S
             * @description Cap on sampled events per second; status and health always pass
             * @default 40
             */
            max_events_per_s?: number;
            /**
             * Max Scalars Per S
             * @description Cap on scalar events per second (default: max_events_per_s): a faster loop averages more steps into each
             */
            max_scalars_per_s?: number | null;
            /**
             * Samples Every Epochs
             * @description Epochs between task samples (predictions, grids, text)
             * @default 1
             */
            samples_every_epochs?: number;
            /**
             * Scalars Every
             * @description Steps between train/loss, lr and throughput events (the loss of the steps between is averaged in), within max_scalars_per_s
             * @default 1
             */
            scalars_every?: number;
            /**
             * Weights Every
             * @description Steps between weight norms and update/weight ratios
             * @default 25
             */
            weights_every?: number;
        };
        /**
         * TensorSpec
         * @description What flows along an edge: a shape without the batch dimension, and a dtype.
         */
        TensorSpec: {
            /**
             * Dtype
             * @default float32
             * @enum {string}
             */
            dtype?: "float32" | "int64";
            /** Shape */
            shape: number[];
        };
        /**
         * Text
         * @description One text in English and in Simplified Chinese (`zh-CN` in JSON).
         */
        Text: {
            /** En */
            en: string;
            /** Zh-Cn */
            "zh-CN": string;
        };
        /** TextView */
        TextView: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "text";
            /** Prompt */
            prompt: string;
            /** Text */
            text: string;
        };
        /** Thumbnail */
        Thumbnail: {
            /**
             * Label
             * @description The sample's class name
             */
            label: string;
            /**
             * Png
             * @description The image as base64 PNG
             */
            png: string;
        };
        /** Totals */
        Totals: {
            /** Batch Size */
            batch_size: number;
            /**
             * Device Memory Bytes
             * @description The memory of the connected worker with the most
             */
            device_memory_bytes?: number | null;
            /**
             * Device Name
             * @description The device: NVIDIA H200, CPU
             */
            device_name?: string | null;
            /**
             * Device Type
             * @description cuda, mps or cpu
             */
            device_type?: string | null;
            /**
             * Flops
             * @description Forward FLOPs for one sample
             */
            flops: number;
            /**
             * Max Batch Size
             * @description The largest batch whose estimated training memory fits memory_budget_bytes (0: not even one sample); null without a known device, or when the batch costs no memory
             */
            max_batch_size?: number | null;
            /**
             * Memory Budget Bytes
             * @description What max_batch_size is fitted into: 90% of the device's memory (the rest for the framework and the estimate's misses), at most the memory limit
             */
            memory_budget_bytes?: number | null;
            /**
             * Memory Bytes
             * @description Estimated training memory at batch_size (Adam, float32)
             */
            memory_bytes: number;
            /**
             * Nodes
             * @description Nodes once blocks are expanded
             */
            nodes: number;
            /**
             * Params
             * @description Parameters of the whole document
             */
            params: number;
        };
        /**
         * TrainingConfig
         * @description Everything a run needs besides the graph and the data files.
         */
        TrainingConfig: {
            /**
             * Augment
             * @description Random image augmentation per batch, on the device
             * @default none
             * @enum {string}
             */
            augment?: "none" | "flip" | "crop" | "crop_flip";
            /**
             * Batch Size
             * @description Samples per step
             * @default 32
             */
            batch_size?: number;
            /**
             * Betas
             * @description Adam/AdamW moment decay rates; GANs like (0.5, 0.999)
             * @default [
             *       0.9,
             *       0.999
             *     ]
             */
            betas?: [
                number,
                number
            ];
            /**
             * Checkpoint At Epoch End
             * @description Checkpoint after each epoch's validation
             * @default true
             */
            checkpoint_at_epoch_end?: boolean;
            /**
             * Checkpoint Every Steps
             * @description Also checkpoint every this many steps
             */
            checkpoint_every_steps?: number | null;
            /**
             * Clip Grad Norm
             * @description Rescale gradients whose total norm exceeds this
             */
            clip_grad_norm?: number | null;
            /**
             * Clip Grad Value
             * @description Clamp every gradient element to [-v, v]
             */
            clip_grad_value?: number | null;
            /**
             * Dataset
             * @description Dataset name from the registry; none when the caller passes data
             */
            dataset?: string | null;
            /**
             * Dataset Options
             * @description The dataset's own options (size, noise, path, normalize, ...)
             */
            dataset_options?: {
                [key: string]: unknown;
            };
            /**
             * Device
             * @description auto picks CUDA, then Apple MPS, then the CPU
             * @default auto
             */
            device?: string;
            /**
             * Diffusion Steps
             * @description Diffusion: noise levels T; sampling walks back through every one
             * @default 100
             */
            diffusion_steps?: number;
            /**
             * Discriminator Steps
             * @description GAN: discriminator updates per generator update
             * @default 1
             */
            discriminator_steps?: number;
            /** @description Stop when a validation metric stops improving */
            early_stopping?: components["schemas"]["EarlyStopping"] | null;
            /**
             * Epochs
             * @description Passes over the training set
             * @default 10
             */
            epochs?: number;
            /**
             * Execution
             * @description eager runs each step as written; fast compiles the forward and loss with torch.compile (and replays small networks as CUDA graphs on a GPU) after a compile of seconds to minutes; auto is eager on the CPU and Apple MPS, where compiling was measured slower
             * @default auto
             * @enum {string}
             */
            execution?: "auto" | "eager" | "fast";
            /**
             * Gan Loss
             * @description GAN generator loss; non-saturating learns from the start
             * @default non_saturating
             * @enum {string}
             */
            gan_loss?: "non_saturating" | "minimax";
            /**
             * Keep Checkpoints
             * @description Older checkpoints are deleted
             * @default 3
             */
            keep_checkpoints?: number;
            /**
             * Kl Weight
             * @description VAE: weight of the KL term (beta)
             * @default 1
             */
            kl_weight?: number;
            /**
             * Label Smoothing
             * @description Cross-entropy label smoothing, a mild regulariser
             * @default 0
             */
            label_smoothing?: number;
            /**
             * Loss
             * @description auto: the task's usual loss (cross-entropy, MSE, ...)
             * @default auto
             * @enum {string}
             */
            loss?: "auto" | "cross_entropy" | "mse" | "l1" | "smooth_l1" | "bce";
            /**
             * Lr
             * @description Peak learning rate
             * @default 0.001
             */
            lr?: number;
            /**
             * Max Steps
             * @description Stop after this many steps, whatever the epochs
             */
            max_steps?: number | null;
            /**
             * Min Lr Ratio
             * @description cosine and one-cycle: the final lr as a share of lr
             * @default 0
             */
            min_lr_ratio?: number;
            /**
             * Momentum
             * @description SGD and RMSprop momentum
             * @default 0.9
             */
            momentum?: number;
            /**
             * Nesterov
             * @description Nesterov momentum for SGD
             * @default false
             */
            nesterov?: boolean;
            /**
             * Noise Schedule
             * @description Diffusion: how noise grows with t (linear betas, Ho et al.; or cosine, Nichol and Dhariwal, gentler at both ends)
             * @default cosine
             * @enum {string}
             */
            noise_schedule?: "linear" | "cosine";
            /**
             * Noise Std
             * @description Denoising autoencoder: input noise when the graph has no Noise node
             * @default 0.3
             */
            noise_std?: number;
            /**
             * Optimizer
             * @description Adam is forgiving; SGD with momentum generalises well with a schedule
             * @default adam
             * @enum {string}
             */
            optimizer?: "sgd" | "adam" | "adamw" | "rmsprop";
            /**
             * Precision
             * @description Mixed precision on CUDA: bf16 or fp16 autocast (fp16 with a gradient scaler); auto picks bf16 where the GPU supports it, else fp16, and float32 on the CPU and Apple MPS; off always trains in float32
             * @default auto
             * @enum {string}
             */
            precision?: "auto" | "off" | "bf16" | "fp16";
            /**
             * Processes
             * @description Data-parallel ranks that train the run together (one process each, one GPU each where there are enough); batch_size stays the global batch
             * @default 1
             */
            processes?: number;
            /**
             * Sample Length
             * @description Language model: characters generated per text sample
             * @default 200
             */
            sample_length?: number;
            /**
             * Schedule
             * @description Learning-rate shape over the run
             * @default constant
             * @enum {string}
             */
            schedule?: "constant" | "step" | "cosine" | "one_cycle";
            /**
             * Seed
             * @description Seeds initialisation, data order, dropout and noise
             * @default 0
             */
            seed?: number;
            /**
             * Step Epochs
             * @description step schedule: multiply lr by step_gamma every this many epochs
             * @default 10
             */
            step_epochs?: number;
            /**
             * Step Gamma
             * @description step schedule: the factor
             * @default 0.1
             */
            step_gamma?: number;
            /**
             * Sync Batchnorm
             * @description With processes > 1: BatchNorm statistics over the global batch (off: each rank normalises over its own share)
             * @default false
             */
            sync_batchnorm?: boolean;
            /**
             * Task
             * @description The recipe: loss, metrics and samples
             * @default classification
             * @enum {string}
             */
            task?: "classification" | "regression" | "many_to_one" | "seq2seq" | "language_model" | "masked_lm" | "autoencoder" | "denoising_autoencoder" | "vae" | "gan" | "contrastive" | "diffusion";
            /** @description Telemetry rates */
            telemetry?: components["schemas"]["TelemetryConfig"];
            /**
             * Temperature
             * @description Language model: sampling temperature
             * @default 0.8
             */
            temperature?: number;
            /**
             * Top K
             * @description k of the top-k accuracy reported for classification
             * @default 5
             */
            top_k?: number;
            /**
             * Val Split
             * @description Share held out for validation; overrides the dataset's val_fraction
             */
            val_split?: number | null;
            /**
             * Warmup Steps
             * @description Linear warm-up from 0 to lr over these steps, before the schedule
             * @default 0
             */
            warmup_steps?: number;
            /**
             * Weight Decay
             * @description L2 penalty (decoupled for AdamW)
             * @default 0
             */
            weight_decay?: number;
        };
        /**
         * TrainingIs
         * @description The open graph's training section sets `field` to `value`.
         */
        TrainingIs: {
            /** Field */
            field: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "training_is";
            /** Value */
            value: unknown;
        };
        /** TrialCounts */
        TrialCounts: {
            /** Complete */
            complete: number;
            /**
             * Failed
             * @description Failed, diverged, stopped, or did not check
             */
            failed: number;
            /** Pruned */
            pruned: number;
            /**
             * Running
             * @description Queued or training
             */
            running: number;
        };
        /** TrialPoint */
        TrialPoint: {
            /**
             * Epoch
             * @description From 0
             */
            epoch: number;
            /** Value */
            value: number;
        };
        /** TrialRecord */
        TrialRecord: {
            /**
             * Duration S
             * @description Training time so far, or in all
             */
            duration_s: number | null;
            /** Finished At */
            finished_at: string | null;
            /**
             * Intermediate
             * @description The objective at each epoch's end
             */
            intermediate: components["schemas"]["TrialPoint"][];
            /**
             * Message
             * @description Why it failed or was pruned, in English
             */
            message: string | null;
            /**
             * Message Key
             * @description The message's key in the catalog (GET /api/meta `messages`); empty for a message that is not from it
             * @default
             */
            message_key?: string;
            /**
             * Message Params
             * @description The values the message's template names
             */
            message_params?: {
                [key: string]: string | number | string[] | number[] | null;
            };
            /**
             * Number
             * @description From 0, in the order trials were asked for
             */
            number: number;
            /**
             * Params
             * @description Path -> the value this trial tried
             */
            params: {
                [key: string]: unknown;
            };
            /**
             * Run
             * @description Its run (none: did not check)
             */
            run: string | null;
            /** Started At */
            started_at: string | null;
            /**
             * State
             * @description Optuna's state of the trial
             * @enum {string}
             */
            state: "running" | "complete" | "pruned" | "fail";
            /**
             * Status
             * @description Its run's status; a trial whose document did not check is failed
             * @enum {string}
             */
            status: "queued" | "running" | "paused" | "finished" | "stopped" | "pruned" | "failed" | "diverged";
            /**
             * Value
             * @description The objective: its last epoch's value
             */
            value: number | null;
        };
        /**
         * Uniform
         * @description Floats between `lo` and `hi`, evenly.
         */
        Uniform: {
            /**
             * Uniform
             * @description [lo, hi], lo < hi
             */
            uniform: [
                number,
                number
            ];
        };
        /**
         * Unsupported
         * @description One call (or ONNX node) that has no exact LayerLab equivalent.
         */
        Unsupported: {
            /**
             * Call
             * @description What was called: nn.PReLU, torch.erf, Tensor.permute, Erf
             */
            call: string;
            /**
             * Path
             * @description The module it sits in (layer1.0.conv1; empty: the top level)
             * @default
             */
            path?: string;
            /**
             * Reason
             * @description Why it cannot be mapped exactly
             */
            reason: string;
            /**
             * Where
             * @description The source line (model.py:42) or the ONNX node's name
             */
            where?: string | null;
        };
        /**
         * UploadInfo
         * @description What training on an upload will see, found by loading it once.
         */
        UploadInfo: {
            /** Classes */
            classes?: string[] | null;
            /**
             * Input Dtype
             * @enum {string}
             */
            input_dtype: "float32" | "int64";
            /**
             * Input Shape
             * @description One sample's shape, batch excluded
             */
            input_shape: number[];
            /** Notes */
            notes?: string[];
            /** Num Classes */
            num_classes?: number | null;
            /**
             * Target
             * @description class, value, sequence or none
             */
            target: string;
            /**
             * Train
             * @description Training samples
             */
            train: number;
            /**
             * Val
             * @description Validation samples
             */
            val: number;
        };
        /** VectorReconstructionsView */
        VectorReconstructionsView: {
            /** Inputs */
            inputs: (number | null)[][];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "vector_reconstructions";
            /** Outputs */
            outputs: (number | null)[][];
        };
        /** VersionRecord */
        VersionRecord: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            document: components["schemas"]["GraphDocument"];
            /** Graph Id */
            graph_id: string;
            /** Name */
            name: string;
            /** Version */
            version: number;
        };
        /** VersionSummary */
        VersionSummary: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Name */
            name: string;
            /** Version */
            version: number;
        };
        /** ViewerAuth */
        ViewerAuth: {
            /** Token */
            token: string;
            /**
             * Type
             * @default auth
             * @constant
             */
            type?: "auth";
        };
        /** ViewerError */
        ViewerError: {
            /** Code */
            code: string;
            /** Message */
            message: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "error";
        };
        /** ViewerEvents */
        ViewerEvents: {
            /** Events */
            events: (components["schemas"]["MetricsEvent"] | components["schemas"]["GradNormsEvent"] | components["schemas"]["ActivationsEvent"] | components["schemas"]["WeightsEvent"] | components["schemas"]["SamplesEvent"] | components["schemas"]["HealthEvent"] | components["schemas"]["StatusEvent"] | components["schemas"]["CheckpointEvent"] | components["schemas"]["LogEvent"])[];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "events";
        };
        ViewerMessage: components["schemas"]["ViewerWelcome"] | components["schemas"]["ViewerEvents"] | components["schemas"]["ViewerRun"] | components["schemas"]["ViewerResync"] | components["schemas"]["ViewerError"];
        /** ViewerResync */
        ViewerResync: {
            /**
             * Last Seq
             * @description The last seq you were sent before the gap
             */
            last_seq: number;
            /** Reason */
            reason: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "resync";
        };
        /** ViewerRun */
        ViewerRun: {
            run: components["schemas"]["RunRecord"];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "run";
        };
        /** ViewerWelcome */
        ViewerWelcome: {
            run: components["schemas"]["RunRecord"];
            /**
             * Since
             * @description Events after this seq follow
             */
            since: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "welcome";
        };
        /** WeightsEvent */
        WeightsEvent: {
            /**
             * Epoch
             * @description Current epoch, from 0
             */
            epoch?: number | null;
            /** Layers */
            layers: {
                [key: string]: components["schemas"]["WeightStats"];
            };
            /**
             * Run
             * @description Run id
             */
            run: string;
            /**
             * Seq
             * @description Per-run sequence number, from 1, without gaps
             */
            seq: number;
            /**
             * Step
             * @description Optimizer steps taken so far
             */
            step: number;
            /**
             * Time
             * @description Seconds since the run started (resumes continue the clock)
             */
            time: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "weights";
        };
        /** WeightStats */
        WeightStats: {
            /**
             * Nonfinite
             * @default false
             */
            nonfinite?: boolean;
            /**
             * Norm
             * @description L2 norm of the layer's parameters
             */
            norm: number | null;
            /**
             * Update Ratio
             * @description ||w_after - w_before|| / ||w_before|| over one step
             */
            update_ratio?: number | null;
        };
        /** WorkerRecord */
        WorkerRecord: {
            /**
             * Busy
             * @description Training a run (else idle and waiting for one)
             */
            busy: boolean;
            /**
             * Cpus
             * @description CPU cores it can use
             */
            cpus: number | null;
            /** Device */
            device: string;
            /**
             * Gpus
             * @description GPUs it can use
             */
            gpus: number;
            /** Id */
            id: string;
            /** Memory Bytes */
            memory_bytes: number | null;
            /** Name */
            name: string;
            /**
             * Processes
             * @description Most data-parallel ranks one run may have there
             */
            processes: number;
            /**
             * Runs
             * @description Runs it holds
             */
            runs: string[];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    check_document_api_check_post: {
        parameters: {
            query?: {
                /** @description Batch size of the memory estimate */
                batch_size?: number | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GraphDocument"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckResult"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    catalog_api_datasets_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetCatalog"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    upload_api_datasets_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** Format: binary */
                    file: string;
                    /**
                     * @description What the file is; sniffed when absent
                     * @enum {string}
                     */
                    kind?: "arrays" | "image_zip" | "idx" | "csv" | "text";
                    name?: string;
                };
            };
        };
        responses: {
            /** @description Those bytes were there already */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetRecord"];
                };
            };
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetRecord"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The file is over its kind's size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not a multipart/form-data body */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The file does not parse: where, and why */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    record_api_datasets__dataset_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description d_ + 12 hex */
                dataset_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetRecord"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such dataset */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_api_datasets__dataset_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description d_ + 12 hex */
                dataset_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such dataset */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A queued or running run uses it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    preview_api_datasets__dataset_id__preview_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description d_ + 12 hex */
                dataset_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetPreview"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such dataset */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    export_document_api_export_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExportRequest"];
            };
        };
        responses: {
            /** @description The file (Content-Disposition names it) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                    "text/x-python": string;
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_graphs_api_graphs_get: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GraphList"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_graph_api_graphs_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GraphDocument"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GraphRecord"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_graph_api_graphs__graph_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description g_ + 12 hex digits */
                graph_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GraphRecord"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such graph (or version) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    update_graph_api_graphs__graph_id__put: {
        parameters: {
            query?: never;
            header: {
                /** @description The version this change is based on: "3" (an ETag from GET) or 3 */
                "If-Match": string;
            };
            path: {
                /** @description g_ + 12 hex digits */
                graph_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GraphDocument"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GraphRecord"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such graph (or version) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The graph has a newer version than If-Match; see current_version */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_graph_api_graphs__graph_id__delete: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version this change is based on: "3" (an ETag from GET) or 3 */
                "If-Match"?: string;
            };
            path: {
                /** @description g_ + 12 hex digits */
                graph_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such graph (or version) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The graph has a newer version than If-Match; see current_version */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_versions_api_graphs__graph_id__versions_get: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path: {
                /** @description g_ + 12 hex digits */
                graph_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionSummary"][];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such graph (or version) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_version_api_graphs__graph_id__versions__version__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description g_ + 12 hex digits */
                graph_id: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionRecord"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such graph (or version) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    health_api_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    onnx_api_import_onnx_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** Format: binary */
                    file: string;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OnnxImport"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The file is over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not a multipart/form-data body */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No file in the form */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The onnx package is not installed */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    weights_api_import_weights__weights_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description onnx_ + 16 hex */
                weights_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such import */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_lessons_api_lessons_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LessonSummary"][];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_lesson_api_lessons__lesson_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An id from GET /lessons */
                lesson_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Lesson"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No lesson of that id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    meta_api_meta_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServerMeta"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_ops_api_ops_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpSchema"][];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_presets_api_presets_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PresetSummary"][];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_preset_api_presets__name__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A name from GET /presets */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Preset"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No preset of that name */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_runs_api_runs_get: {
        parameters: {
            query?: {
                graph_id?: string | null;
                limit?: number;
                offset?: number;
                status?: ("queued" | "running" | "paused" | "finished" | "stopped" | "pruned" | "failed" | "diverged") | null;
                /** @description Only the trials of this sweep */
                sweep_id?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunList"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_api_runs_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRun"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunDetail"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such saved graph (or version) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many queued runs for this client */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_one_api_runs__run_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description r_ + 12 hex digits */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunDetail"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_api_runs__run_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description r_ + 12 hex digits */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    bundle_zip_api_runs__run_id__bundle_zip_get: {
        parameters: {
            query?: {
                /** @description A kept checkpoint; default the newest */
                checkpoint?: string | null;
            };
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/zip": unknown;
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run (or checkpoint) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    checkpoint_api_runs__run_id__checkpoint_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description r_ + 12 hex digits */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The model's weights (safetensors), loadable with load_weights */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": unknown;
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run, or no checkpoint yet */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    checkpoints_api_runs__run_id__checkpoints_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description r_ + 12 hex digits */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckpointRecord"][];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    checkpoint_weights_api_runs__run_id__checkpoints__name__weights_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description From GET .../checkpoints */
                name: string;
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": unknown;
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run (or checkpoint) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    events_api_runs__run_id__events_get: {
        parameters: {
            query?: {
                limit?: number;
                since?: number;
                /** @description Comma-separated event types, e.g. metrics,status */
                types?: string | null;
            };
            header?: never;
            path: {
                /** @description r_ + 12 hex digits */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    events_jsonl_api_runs__run_id__events_jsonl_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": unknown;
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run (or checkpoint) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    pause_api_runs__run_id__pause_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description r_ + 12 hex digits */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunRecord"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The run has ended (or is stopping) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    resume_api_runs__run_id__resume_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description r_ + 12 hex digits */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunRecord"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The run has ended (or is stopping) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    scalars_csv_api_runs__run_id__scalars_csv_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": unknown;
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run (or checkpoint) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    stop_api_runs__run_id__stop_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description r_ + 12 hex digits */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunRecord"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The run has ended (or is stopping) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_sweeps_api_sweeps_get: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepList"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_api_sweeps_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSweep"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepDetail"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such saved graph (or version) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_one_api_sweeps__sweep_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description s_ + 12 hex digits */
                sweep_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepDetail"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such sweep */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_api_sweeps__sweep_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description s_ + 12 hex digits */
                sweep_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such sweep */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    stop_api_sweeps__sweep_id__stop_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description s_ + 12 hex digits */
                sweep_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SweepRecord"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such sweep */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    download_checkpoint_api_worker_runs__run_id__checkpoint_get: {
        parameters: {
            query?: never;
            header: {
                authorization?: string;
                "X-LayerLab-Fencing": number;
                "X-LayerLab-Worker": string;
                "X-LayerLab-Worker-Key": string;
            };
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": unknown;
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong worker token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unknown worker, or a wrong worker key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run (or no checkpoint of it) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description This worker does not hold the run's lease now */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    upload_checkpoint_api_worker_runs__run_id__checkpoints__name__put: {
        parameters: {
            query?: never;
            header: {
                authorization?: string;
                "X-LayerLab-Fencing": number;
                "X-LayerLab-Worker": string;
                "X-LayerLab-Worker-Key": string;
            };
            path: {
                name: string;
                run_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckpointStored"];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong worker token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unknown worker, or a wrong worker key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run (or no checkpoint of it) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description This worker does not hold the run's lease now */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Checkpoint too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    download_dataset_api_worker_runs__run_id__dataset_get: {
        parameters: {
            query?: never;
            header: {
                authorization?: string;
                "X-LayerLab-Fencing": number;
                "X-LayerLab-Worker": string;
                "X-LayerLab-Worker-Key": string;
            };
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": unknown;
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong worker token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unknown worker, or a wrong worker key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run (or no checkpoint of it) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description This worker does not hold the run's lease now */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    download_start_weights_api_worker_runs__run_id__start_weights_get: {
        parameters: {
            query?: never;
            header: {
                authorization?: string;
                "X-LayerLab-Fencing": number;
                "X-LayerLab-Worker": string;
                "X-LayerLab-Worker-Key": string;
            };
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": unknown;
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong worker token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Unknown worker, or a wrong worker key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such run (or no checkpoint of it) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description This worker does not hold the run's lease now */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_workers_api_workers_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkerRecord"][];
                };
            };
            /** @description Host header not accepted */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Missing or wrong bearer token (when auth is on) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Origin not accepted */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Request body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid request or document */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
}
