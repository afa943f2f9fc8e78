import ArgumentParser
import Foundation
import LanguageServer
import Numerics
import PTScript
import Studio
import Terminal

/// `ptune`: the REPL, or `-e` inline commands; subcommands replay, check and serve scripts.
struct PTune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ptune",
        abstract: "A terminal studio for prompt tuning language models.",
        discussion: """
            With no subcommand, ptune starts the REPL (or runs -e commands). `--json` may stand before or \
            after a subcommand and prints one JSON object per command on stdout.
            `ptune help` lists the commands of the language; `ptune help --markdown` prints the language reference.
            """,
        subcommands: [Run.self, Check.self, Lsp.self, HelpCommand.self],
        helpNames: [.short, .long])

    @OptionGroup var global: GlobalOptions

    @Option(name: .customShort("e"), help: "Run these commands (separated by ';' or newlines) and exit.")
    var commands: String?

    func run() throws {
        BLASProcessSetup.prepare()  // may run this program again with OpenBLAS's thread spin set
        let front = FrontEnd(options: global)
        if let commands {
            let outcome = front.runText(commands, name: "<-e>")
            throw ExitCode(outcome.ok ? 0 : 1)
        }
        front.repl()
    }
}

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON object per command on stdout (DESIGN §4).")
    var json = false

    @Flag(name: .customLong("no-color"), help: "Never colour the output (NO_COLOR is respected too).")
    var noColor = false
}

/// `ptune run FILE`: replays a script.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a .ptscript file.",
        discussion: "A recorded script's replay-check lines are compared with the model, data and thread count found here; differences are warned about before anything runs.")

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Argument(help: "The script to run.")
    var file: String

    @Option(help: ArgumentHelp("Stop after this line and open the REPL with the session as it stands ('continue' runs the rest).",
                               valueName: "line"))
    var until: Int?

    @Flag(help: "Open the REPL when the script ends.")
    var repl = false

    @Flag(help: "Step through: show each command with its comments, wait for Enter (s skip, r REPL, q quit).")
    var step = false

    func run() throws {
        BLASProcessSetup.prepare()  // as the REPL: only the commands that compute pay for the second exec
        let options = ReplayOptions(until: until, repl: repl, step: step)
        let outcome = try FrontEnd(options: global).replay(file, options: options)
        throw ExitCode(outcome.ok ? 0 : 1)
    }
}

/// `ptune check FILE…`: diagnostics only, nothing runs.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the diagnostics of .ptscript files without running them.")

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Argument(help: "The scripts to check.")
    var files: [String]

    func run() throws {
        let ok = FrontEnd(options: global).check(files)
        throw ExitCode(ok ? 0 : 1)
    }
}

/// `ptune lsp`: the language server for .ptscript files, on stdin/stdout (Docs/editors.md).
struct Lsp: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the Language Server Protocol for .ptscript files on stdio.")

    func run() throws {
        throw ExitCode(LanguageServerMain.run(input: .standardInput, output: .standardOutput))
    }
}

/// `ptune help [--markdown] [topic]`: the language's help, generated from the command catalog.
struct HelpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "help", abstract: "Show help for the command language.")

    @Flag(help: "Print the whole language reference as Markdown (Docs/language.md).")
    var markdown = false

    @ArgumentParser.Argument(help: "A command or setting.")
    var topic: String?

    func run() throws {
        if markdown {
            print(HelpRenderer.markdown(), terminator: "")
        } else if let topic {
            guard let text = HelpRenderer.topic(topic) else {
                FileHandle.standardError.write(Data("ptune: no help for '\(topic)'\n".utf8))
                throw ExitCode(1)
            }
            print(text)
        } else {
            print(HelpRenderer.overview())
        }
    }
}
