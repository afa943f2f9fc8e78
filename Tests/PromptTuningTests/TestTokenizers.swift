import Foundation
import PromptTuning
import PTuneTestSupport

/// One id per Unicode scalar (scalar value + 16), EOS = 2: easy to count by hand.
struct CharacterTokenizer: TextTokenizer {
    var eosID: Int32 { 2 }
    func encode(_ text: String) -> [Int32] { text.unicodeScalars.map { Int32($0.value) + 16 } }
    func decode(_ ids: [Int32]) -> String {
        String(String.UnicodeScalarView(ids.compactMap { Unicode.Scalar(UInt32($0 - 16)) }))
    }
}

/// Knows exactly the strings of the golden sentiment examples, with the reference tokenizer's ids.
struct GoldenTokenizer: TextTokenizer {
    var table: [String: [Int32]] = [:]
    var eosID: Int32 { 2 }
    func encode(_ text: String) -> [Int32] {
        guard let ids = table[text] else { fatalError("no golden ids for \(text.debugDescription)") }
        return ids
    }
    func decode(_ ids: [Int32]) -> String { fatalError("GoldenTokenizer cannot decode") }
}

/// The `prompt_tuning` part of the goldens.
struct GoldenPromptTuning {
    struct Example { var input, output: String; var ids, labels: [Int32]; var inputCount: Int }
    var examples: [Example] = []
    var batchInputIDs: [[Int32]] = []
    var batchLabels: [[Int32]] = []
    var labelledTokens = 0
    var perExampleNLLStep0: [Double] = []
    var lossStep0 = 0.0
    var initTextIDs: [Int32] = []
    var virtualTokens = 0
    var tokenizer = GoldenTokenizer()

    init() throws {
        let root = try JSONSerialization.jsonObject(with: Fixtures.data("smollm2-goldens.json")) as! [String: Any]
        let pt = root["prompt_tuning"] as! [String: Any]
        func ids(_ any: Any?) -> [Int32] { (any as! [NSNumber]).map { $0.int32Value } }
        for case let e as [String: Any] in pt["train_examples"] as! [Any] {
            let example = Example(input: e["input"] as! String, output: e["output"] as! String, ids: ids(e["ids"]),
                                  labels: ids(e["labels"]), inputCount: (e["n_input_tokens"] as! NSNumber).intValue)
            examples.append(example)
            tokenizer.table[e["text_in"] as! String] = Array(example.ids.prefix(example.inputCount))
            tokenizer.table[e["target"] as! String] = Array(example.ids.dropFirst(example.inputCount).dropLast())
        }
        let batch = pt["batch"] as! [String: Any]
        batchInputIDs = (batch["input_ids"] as! [Any]).map(ids)
        batchLabels = (batch["labels"] as! [Any]).map(ids)
        labelledTokens = (batch["n_labelled_tokens"] as! NSNumber).intValue
        perExampleNLLStep0 = (pt["per_example_nll_sum_step0"] as! [NSNumber]).map(\.doubleValue)
        lossStep0 = ((pt["loss_before_step"] as! [NSNumber])[0]).doubleValue
        initTextIDs = ids(pt["init_text_ids"])
        virtualTokens = (pt["num_virtual_tokens"] as! NSNumber).intValue
    }
}
