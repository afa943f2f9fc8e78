/// Turns a pair's input into the text the model reads, watsonx-style: a template with an
/// `{{input}}` placeholder, by default `Input: {{input}} Output:`. The target is not part of the
/// template; it is tokenized on its own as `" " + output` (see `ExampleBuilder`).
public struct Verbalizer: Sendable, Hashable, Codable {
    /// The placeholder the input replaces.
    public static let placeholder = "{{input}}"
    /// The template used when the user sets none (watsonx's default verbalizer).
    public static let defaultTemplate = "Input: {{input}} Output:"

    /// The template text, containing `{{input}}` at least once.
    public let template: String

    /// Checks that `template` contains `{{input}}`.
    public init(template: String = Verbalizer.defaultTemplate) throws(VerbalizerError) {
        guard template.contains(Self.placeholder) else { throw .missingPlaceholder(template: template) }
        self.template = template
    }

    /// The default verbalizer.
    public static let standard = try! Verbalizer()

    /// The template with every `{{input}}` replaced by `input`.
    public func verbalize(_ input: String) -> String {
        template.replacing(Self.placeholder, with: input)
    }
}

/// Why a template was refused.
public enum VerbalizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template has nowhere to put the input.
    case missingPlaceholder(template: String)

    /// One line: what was expected, what was found.
    public var description: String {
        switch self {
        case let .missingPlaceholder(template):
            return "expected the template to contain {{input}}, found \"\(template)\""
        }
    }
}
