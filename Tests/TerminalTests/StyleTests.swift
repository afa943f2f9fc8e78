// Display width, colour switching and terminal size.
import Foundation
import Testing
@testable import Terminal

@Suite("DisplayWidth and TerminalStyle")
struct StyleTests {
    @Test(arguments: [
        ("abc", 3), ("日本語", 6), ("e\u{301}", 1), ("\u{301}", 0), ("👍", 2), ("👍🏽", 2), ("🇫🇷", 2),
        ("❤️", 2), ("ｆｕｌｌ", 8), ("한국", 4), ("\u{1B}[31mred\u{1B}[0m", 3), ("a\u{200B}b", 2), ("tab\t", 3), ("", 0),
    ])
    func displayWidth(text: String, expected: Int) {
        #expect(DisplayWidth.of(text) == expected, "\(text.debugDescription)")
    }

    @Test func truncateRespectsWideCharactersAndKeepsEscapes() {
        #expect(DisplayWidth.truncate("日本語テキスト", to: 7) == "日本語…")
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
        let styled = DisplayWidth.truncate("\u{1B}[1mhello world\u{1B}[0m", to: 6)
        #expect(DisplayWidth.of(styled) == 6)
        #expect(DisplayWidth.stripEscapes(styled) == "hello…")
        #expect(styled.hasSuffix("\u{1B}[0m"))
        #expect(DisplayWidth.pad("日本", to: 6, alignRight: true) == "  日本")
    }

    @Test func colorsNeedATerminalAndRespectNoColorAndDumbTerminals() {
        #expect(TerminalStyle.colorAllowed(isTTY: true, environment: ["TERM": "xterm-256color"]))
        #expect(!TerminalStyle.colorAllowed(isTTY: false, environment: ["TERM": "xterm-256color"]))
        #expect(!TerminalStyle.colorAllowed(isTTY: true, environment: ["TERM": "xterm", "NO_COLOR": "1"]))
        #expect(!TerminalStyle.colorAllowed(isTTY: true, environment: ["TERM": "dumb"]))
        // no-color.org: an empty NO_COLOR does not count
        #expect(TerminalStyle.colorAllowed(isTTY: true, environment: ["TERM": "xterm", "NO_COLOR": ""]))
    }

    @Test func disabledStyleLeavesTextAloneAndEnabledStyleWrapsIt() {
        let off = TerminalStyle(enabled: false)
        let on = TerminalStyle(enabled: true)
        #expect(off.red("error") == "error")
        #expect(off.bold(on.dim("x")) == on.dim("x"))
        #expect(on.red("error") == "\u{1B}[31merror\u{1B}[0m")
        #expect(on.apply([.bold, .cyan], to: "n") == "\u{1B}[1;36mn\u{1B}[0m")
        // a pipe is never a terminal, whatever the environment says
        let fd = pipeReading("")
        defer { close(fd) }
        #expect(!TerminalStyle.forStream(fileDescriptor: fd, environment: ["TERM": "xterm"]).isEnabled)
    }

    @Test func terminalColumnsFallBackToColumnsThenEighty() {
        let fd = pipeReading("")
        defer { close(fd) }
        #expect(TerminalSize.columns(fileDescriptor: fd, environment: ["COLUMNS": "123"]) == 123)
        #expect(TerminalSize.columns(fileDescriptor: fd, environment: ["COLUMNS": "zero"]) == 80)
        #expect(TerminalSize.columns(fileDescriptor: fd, environment: [:]) == 80)
    }
}
