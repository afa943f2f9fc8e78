import Foundation
import PromptTuning

// MARK: - save prompt, load prompt

extension Interpreter {
    /// `save prompt "dir"`: a HF PEFT prompt-tuning adapter plus ptune's state file (optimizer
    /// moments, step, loss history, settings, data hash) so training resumes exactly. Atomic.
    func savePrompt(_ dir: String) throws -> CommandOutcome {
        let model = try session.requireModel()
        guard let prompt = session.tuning.prompt else {
            throw CommandFailure("there is no prompt vector to save; create one with init first")
        }
        let settings = trainingSettings()
        let config = AdapterConfig(numVirtualTokens: prompt.rows, tokenDim: prompt.width,
                                   numAttentionHeads: model.config.heads, numLayers: model.config.layers,
                                   promptTuningInit: prompt.peftInitName, promptTuningInitText: prompt.initText,
                                   baseModelNameOrPath: model.path)
        let state = PTuneState(training: session.tuning.training ?? TrainingState(settings: settings), settings: settings,
                               template: session.settings.string("verbalizer"),
                               limits: ExampleLimits(maxInputTokens: session.settings.int("max_input_tokens"),
                                                     maxOutputTokens: session.settings.int("max_output_tokens")),
                               dataHash: session.tuning.pairs.count > 0 ? session.tuning.pairs.contentHash : nil,
                               sourceTokenIDs: prompt.sourceTokenIDs, initDescription: prompt.initDescription)
        let url = URL(fileURLWithPath: session.resolve(dir))
        try PEFTAdapter.save(prompt: prompt, config: config, state: state, to: url)
        return CommandOutcome(human: "saved the prompt vector (\(prompt.rows) × \(prompt.width), step \(session.tuning.step)) to \(dir)",
                              fields: [("dir", .string(dir)), ("virtual_tokens", .int(prompt.rows)), ("step", .int(session.tuning.step))])
    }

    /// `load prompt "dir"`: a PEFT adapter (from ptune or PEFT); with ptune's state file, training
    /// resumes where it stopped.
    func loadPrompt(_ dir: String) throws -> CommandOutcome {
        let model = try session.requireModel()
        let url = URL(fileURLWithPath: session.resolve(dir))
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CommandFailure("prompt directory '\(dir)' does not exist")
        }
        let loaded = try PEFTAdapter.load(from: url, expectedTokenDim: model.config.width)
        var prompt = loaded.prompt
        if let state = loaded.state {
            prompt.sourceTokenIDs = state.sourceTokenIDs
            prompt.initDescription = state.initDescription
        }
        if prompt.initText == nil, loaded.config.promptTuningInit == "TEXT" {
            prompt.initText = loaded.config.promptTuningInitText
        }
        session.tuning.replace(with: TuningCheckpoint(prompt: prompt, initialPrompt: nil, training: loaded.state?.training,
                                                      history: TrainingHistory()), action: "load prompt \"\(dir)\"")
        let resumable = loaded.state != nil
        return CommandOutcome(
            human: "loaded a prompt vector (\(prompt.rows) × \(prompt.width)) from \(dir)"
                + (resumable ? ", step \(session.tuning.step); train continues from there" : " (no ptune state: training starts a new optimizer)"),
            fields: [("dir", .string(dir)), ("virtual_tokens", .int(prompt.rows)), ("step", .int(session.tuning.step)),
                     ("resumable", .bool(resumable))])
    }
}
