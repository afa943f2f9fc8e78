// The terminal's width, which every renderer fits itself into.
import CEditLine

/// The size of the terminal.
public enum TerminalSize {
    /// Columns of the terminal on `fileDescriptor` (ioctl TIOCGWINSZ); when that is not a
    /// terminal, the COLUMNS variable, else 80.
    public static func columns(
        fileDescriptor: Int32 = 1, environment: [String: String] = TerminalStyle.currentEnvironment()
    ) -> Int {
        let reported = Int(ptune_terminal_columns(fileDescriptor))
        if reported > 0 { return reported }
        if let text = environment["COLUMNS"], let value = Int(text), value > 0 { return value }
        return 80
    }
}
