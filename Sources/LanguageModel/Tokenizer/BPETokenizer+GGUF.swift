/// Building the tokenizer from the `tokenizer.ggml.*` metadata of a GGUF file.
extension BPETokenizer {
    /// Reads the vocabulary, merges, token types, special ids and pre-tokenizer of a byte-level
    /// BPE model (`tokenizer.ggml.model = gpt2`).
    ///
    /// Throws `TokenizerError.unsupportedModel` for other models (SentencePiece `llama`, …) and
    /// `TokenizerError.unknownPreTokenizer` naming a `tokenizer.ggml.pre` it does not implement.
    /// Absent optional keys follow llama.cpp: no `pre` means `gpt-2`'s regex ("default"), no
    /// `token_type` means all normal, absent special ids mean none, `add_bos_token` false.
    public convenience init(gguf: GGUFFile) throws {
        let model = try Self.string(gguf, GGUFKey.tokenizerModel)
        guard model == "gpt2" else { throw TokenizerError.unsupportedModel(model) }

        let preName = try Self.optionalString(gguf, GGUFKey.tokenizerPre) ?? "gpt-2"
        let preTokenizer = try PreTokenizer(ggufName: preName == "default" ? "gpt-2" : preName)

        guard let tokensValue = gguf[GGUFKey.tokens] else {
            throw TokenizerError.missingMetadata(key: GGUFKey.tokens)
        }
        guard let tokens = tokensValue.stringArray, tokens.count == tokensValue.array?.count else {
            throw TokenizerError.wrongMetadataType(key: GGUFKey.tokens, expected: "array of string",
                                                   found: tokensValue.typeName)
        }
        let merges: [String]
        if let mergesValue = gguf[GGUFKey.merges] {
            guard let list = mergesValue.stringArray, list.count == mergesValue.array?.count else {
                throw TokenizerError.wrongMetadataType(key: GGUFKey.merges, expected: "array of string",
                                                       found: mergesValue.typeName)
            }
            merges = list
        } else {
            throw TokenizerError.missingMetadata(key: GGUFKey.merges)
        }
        var types = [Int32](repeating: 1, count: tokens.count)
        if let typesValue = gguf[GGUFKey.tokenType] {
            guard let list = typesValue.intArray, list.count == typesValue.array?.count else {
                throw TokenizerError.wrongMetadataType(key: GGUFKey.tokenType, expected: "array of int32",
                                                       found: typesValue.typeName)
            }
            types = list.map { Int32(truncatingIfNeeded: $0) }
        }

        try self.init(tokens: tokens, merges: merges, tokenTypes: types,
                      bosID: try Self.optionalID(gguf, GGUFKey.bosTokenID),
                      eosID: try Self.optionalID(gguf, GGUFKey.eosTokenID),
                      unknownID: try Self.optionalID(gguf, GGUFKey.unknownTokenID),
                      paddingID: try Self.optionalID(gguf, GGUFKey.paddingTokenID),
                      addBOS: try Self.optionalBool(gguf, GGUFKey.addBOSToken) ?? false,
                      preTokenizer: preTokenizer)
    }

    // MARK: - Typed metadata reads

    private static func string(_ gguf: GGUFFile, _ key: String) throws -> String {
        guard let value = try optionalString(gguf, key) else { throw TokenizerError.missingMetadata(key: key) }
        return value
    }

    private static func optionalString(_ gguf: GGUFFile, _ key: String) throws -> String? {
        guard let value = gguf[key] else { return nil }
        guard let string = value.string else {
            throw TokenizerError.wrongMetadataType(key: key, expected: "string", found: value.typeName)
        }
        return string
    }

    private static func optionalID(_ gguf: GGUFFile, _ key: String) throws -> Int32? {
        guard let value = gguf[key] else { return nil }
        guard let int = value.int, let id = Int32(exactly: int) else {
            throw TokenizerError.wrongMetadataType(key: key, expected: "integer token id", found: value.typeName)
        }
        return id
    }

    private static func optionalBool(_ gguf: GGUFFile, _ key: String) throws -> Bool? {
        guard let value = gguf[key] else { return nil }
        guard let bool = value.bool else {
            throw TokenizerError.wrongMetadataType(key: key, expected: "bool", found: value.typeName)
        }
        return bool
    }
}
