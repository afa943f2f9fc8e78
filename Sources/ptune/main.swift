import Foundation

// `--json` and `--no-color` may stand anywhere before `--` (`ptune --json run F` = `ptune run --json F`):
// move them after the subcommand name so swift-argument-parser sees them where they are declared.
let subcommands: Set<String> = ["run", "check", "help"]
var arguments = Array(CommandLine.arguments.dropFirst())
let globalFlags: Set<String> = ["--json", "--no-color"]
if let index = arguments.firstIndex(where: { subcommands.contains($0) }),
   arguments[..<index].contains(where: { globalFlags.contains($0) }) {
    let moved = arguments[..<index].filter { globalFlags.contains($0) }
    var rest = arguments[..<index].filter { !globalFlags.contains($0) }
    rest.append(arguments[index])
    arguments = rest + moved + arguments[(index + 1)...]
}
PTune.main(arguments)
