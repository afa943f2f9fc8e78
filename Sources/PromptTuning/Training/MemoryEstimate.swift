import Foundation
import LanguageModel

// B = batch rows, N = virtual tokens, S = N + longest example (positions per row), C = width,
// R = labelled target tokens of the batch, V = vocabulary.

/// The memory one training update needs beyond the model's weights, estimated before training
/// from the model's shape and the examples: a batch that cannot fit is refused with advice
/// instead of the process being killed by the system mid-run.
public struct MemoryEstimate: Sendable, Equatable {
    /// Batch rows (B): `batch_size`, or fewer when there are fewer examples.
    public var batchRows: Int
    /// Positions per row (S = N + the longest example's tokens).
    public var positions: Int
    /// Bytes of the activation arena (every slot the forward keeps for the backward, plus scratch).
    public var activationBytes: Int
    /// Bytes of the other per-step buffers: the logits (R, V) and inputs / input gradients (B, S, C).
    public var bufferBytes: Int

    /// Everything one update allocates.
    public var totalBytes: Int { activationBytes + bufferBytes }

    /// The estimate for the worst batch `examples` can form: the `batchSize` longest examples
    /// together (the batch is padded to its longest row, and shuffling may group them).
    public init(config: LlamaConfig, virtualTokens: Int, batchSize: Int, examples: [TuningExample]) {
        let rows = max(1, min(batchSize, examples.count))
        let longest = examples.map { $0.inputIDs.count + $0.targetIDs.count }.max() ?? 0
        let targets = examples.map(\.targetIDs.count).sorted(by: >).prefix(rows).reduce(0, +)
        self.init(config: config, batchRows: rows, positions: virtualTokens + longest, targetTokens: max(1, targets))
    }

    /// The estimate for a batch of `batchRows` rows of `positions` positions with `targetTokens`
    /// labelled tokens. Uses `ActivationArena.Layout`'s own size table, so it tracks the arena.
    public init(config: LlamaConfig, batchRows: Int, positions: Int, targetTokens: Int) {
        self.batchRows = batchRows
        self.positions = positions
        let layout = ActivationArena.Layout(config: config, batch: batchRows, length: positions, outputs: targetTokens)
        let floats = ActivationSlot.allCases.reduce(0) { $0 + layout.elements(of: $1) * layout.copies(of: $1) }
        activationBytes = floats * MemoryLayout<Float>.size
        // logits: (R, V); inputs and dInputs: (B, S, C) each.
        bufferBytes = (targetTokens * config.vocab + 2 * batchRows * positions * config.width) * MemoryLayout<Float>.size
    }

    /// Nil when the update fits in `availableBytes`, else a one-line refusal with advice:
    /// "batch 64 × 512 tokens needs ~9.1 GiB; available 6.2 GiB — lower batch_size or max_input_tokens".
    public func refusal(availableBytes: Int) -> String? {
        guard totalBytes > availableBytes else { return nil }
        return "batch \(batchRows) × \(positions) tokens needs ~\(Self.format(totalBytes)); available \(Self.format(availableBytes))"
            + " — lower batch_size (use accumulate_steps to keep the effective batch) or max_input_tokens / max_output_tokens"
    }

    /// Bytes as "9.1 GiB", "412.0 MiB" or "12.0 KiB".
    public static func format(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}

/// How much memory the process may still use: the smallest of the system's available memory
/// (`MemAvailable`), the cgroup's limit minus its usage (containers), and `PTUNE_MEMORY_LIMIT`
/// (bytes, or with a K/M/G suffix) when set.
public enum MemoryBudget {
    /// Bytes available now; nil when nothing could be read (then no batch is refused).
    public static func available(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        var candidates: [Int] = []
        if let text = environment["PTUNE_MEMORY_LIMIT"], let limit = parseSize(text) { candidates.append(limit) }
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kib = Int(line.split(separator: " ").dropFirst().first ?? "") {
            candidates.append(kib * 1024)
        }
        if let max = readInt("/sys/fs/cgroup/memory.max"), let current = readInt("/sys/fs/cgroup/memory.current") {
            candidates.append(Swift.max(0, max - current))
        }
        return candidates.min()
    }

    /// "512M" → 536870912; plain digits are bytes; nil when malformed.
    public static func parseSize(_ text: String) -> Int? {
        var trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        if trimmed.hasSuffix("IB") { trimmed.removeLast(2) } else if trimmed.hasSuffix("B") { trimmed.removeLast() }
        let shifts: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
        if let last = trimmed.last, let shift = shifts[last] {
            return Double(trimmed.dropLast()).flatMap { $0 >= 0 ? Int($0 * Double(1 << shift)) : nil }
        }
        return Int(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// A file holding one integer ("max" and unreadable files give nil).
    private static func readInt(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
