// Color and emphasis for human output, switched off wherever escape codes would be noise.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ANSI styling that is either on (a color-capable terminal) or a no-op.
public struct TerminalStyle: Sendable, Equatable {
    /// Whether escape codes are emitted.
    public let isEnabled: Bool

    /// A style that emits codes only when `isEnabled`.
    public init(enabled: Bool) {
        isEnabled = enabled
    }

    /// Styling that never emits codes.
    public static let plain = TerminalStyle(enabled: false)

    /// Styling for the stream on `fileDescriptor`, following the process environment.
    public static func forStream(
        fileDescriptor: Int32, environment: [String: String] = currentEnvironment()
    ) -> TerminalStyle {
        TerminalStyle(enabled: colorAllowed(isTTY: isatty(fileDescriptor) == 1, environment: environment))
    }

    /// Colors are allowed on a terminal whose TERM is not `dumb`, unless NO_COLOR is set to a
    /// non-empty value (https://no-color.org).
    public static func colorAllowed(isTTY: Bool, environment: [String: String]) -> Bool {
        guard isTTY else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }

    /// The process environment.
    public static func currentEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment
    }

    // MARK: - Codes

    /// An SGR attribute.
    public enum Code: Int, Sendable, CaseIterable {
        case bold = 1, dim = 2, italic = 3, underline = 4
        case red = 31, green = 32, yellow = 33, blue = 34, magenta = 35, cyan = 36, gray = 90
    }

    /// `text` wrapped in the given attributes and a reset, or unchanged when disabled.
    public func apply(_ codes: [Code], to text: String) -> String {
        guard isEnabled, !codes.isEmpty, !text.isEmpty else { return text }
        return "\u{1B}[" + codes.map { String($0.rawValue) }.joined(separator: ";") + "m" + text + "\u{1B}[0m"
    }

    /// Bold text.
    public func bold(_ text: String) -> String { apply([.bold], to: text) }
    /// Dim text (secondary information).
    public func dim(_ text: String) -> String { apply([.dim], to: text) }
    /// Underlined text.
    public func underline(_ text: String) -> String { apply([.underline], to: text) }
    /// Red text (errors).
    public func red(_ text: String) -> String { apply([.red], to: text) }
    /// Yellow text (warnings).
    public func yellow(_ text: String) -> String { apply([.yellow], to: text) }
    /// Green text (success).
    public func green(_ text: String) -> String { apply([.green], to: text) }
    /// Cyan text (names, highlights).
    public func cyan(_ text: String) -> String { apply([.cyan], to: text) }
    /// Blue text.
    public func blue(_ text: String) -> String { apply([.blue], to: text) }
    /// Magenta text.
    public func magenta(_ text: String) -> String { apply([.magenta], to: text) }
    /// Gray text.
    public func gray(_ text: String) -> String { apply([.gray], to: text) }

    /// The color used for the `index`-th series of a chart (cycles).
    public func seriesColor(_ index: Int) -> Code {
        let palette: [Code] = [.cyan, .yellow, .magenta, .green, .blue, .red]
        return palette[((index % palette.count) + palette.count) % palette.count]
    }
}
