import Foundation

/// How much memory the process may still use: the smallest of the system's available memory
/// (`MemAvailable`), the cgroup's limit minus its usage (containers), and `PTUNE_MEMORY_LIMIT`
/// (bytes, or with a K/M/G suffix) when set. Loading a model and sizing a training batch both
/// check against it, so that what cannot fit is refused with the figures before anything is
/// allocated, instead of the process dying in an allocation.
public enum MemoryBudget {
    /// Bytes available now; nil when nothing could be read (then nothing is refused).
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

    /// A file holding one integer ("max" and unreadable files give nil).
    private static func readInt(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
