import Foundation
import LanguageModel

// T = positions, C = width, NH = query heads, KVH = kv heads, HS = head size, F = ffn width, V = vocab.

/// A deliberately plain, cache-free Llama forward written straight from the reference's formula
/// (goldens `meta.weights.forward`), with Double accumulation and per-element loops: the independent
/// reference the inference session is tested against. Slow; tiny models only.
enum NaiveForward {
    /// Logits at every position of a sequence of embedding rows. embeddings: (T, C) → (T, V).
    static func logits(weights: LlamaWeights, embeddings: [Float]) -> [[Double]] {
        let cfg = weights.config
        let c = cfg.width, hs = cfg.headSize, nh = cfg.heads, kvh = cfg.kvHeads
        let t = embeddings.count / c
        // x: T rows of (C)
        var x: [[Double]] = (0..<t).map { row in (0..<c).map { Double(embeddings[row * c + $0]) } }

        func rmsNorm(_ v: [Double], _ w: [Float]) -> [Double] {
            let meanSquare = v.reduce(0) { $0 + $1 * $1 } / Double(v.count)
            let rstd = 1 / (meanSquare + Double(cfg.rmsEps)).squareRoot()
            return v.indices.map { v[$0] * rstd * Double(w[$0]) }
        }
        // y (out) = W (out, in) · v (in)
        func apply(_ w: [Float], _ v: [Double], out: Int) -> [Double] {
            (0..<out).map { o in v.indices.reduce(0.0) { $0 + Double(w[o * v.count + $1]) * v[$1] } }
        }
        // RoPE on one head's (HS) slice at `position`: pairs (2i, 2i+1), angle position·theta^(-2i/HS).
        func rotate(_ v: inout [Double], head: Int, position: Int) {
            for i in 0..<(hs / 2) {
                let angle = Double(position) * Foundation.pow(Double(cfg.ropeTheta), -Double(2 * i) / Double(hs))
                let a = v[head * hs + 2 * i], b = v[head * hs + 2 * i + 1]
                v[head * hs + 2 * i] = a * Foundation.cos(angle) - b * Foundation.sin(angle)
                v[head * hs + 2 * i + 1] = a * Foundation.sin(angle) + b * Foundation.cos(angle)
            }
        }

        for layer in weights.layers {
            let normed = x.map { rmsNorm($0, layer.attnNorm) }
            var q = normed.map { apply(layer.wq, $0, out: nh * hs) }
            var k = normed.map { apply(layer.wk, $0, out: kvh * hs) }
            let v = normed.map { apply(layer.wv, $0, out: kvh * hs) }
            for pos in 0..<t {
                for h in 0..<nh { rotate(&q[pos], head: h, position: pos) }
                for h in 0..<kvh { rotate(&k[pos], head: h, position: pos) }
            }
            for pos in 0..<t {
                var attended = [Double](repeating: 0, count: nh * hs)
                for h in 0..<nh {
                    let g = h / (nh / kvh)
                    let scores = (0...pos).map { s in
                        (0..<hs).reduce(0.0) { $0 + q[pos][h * hs + $1] * k[s][g * hs + $1] } / Double(hs).squareRoot()
                    }
                    let m = scores.max()!
                    let e = scores.map { Foundation.exp($0 - m) }
                    let z = e.reduce(0, +)
                    for s in 0...pos {
                        for d in 0..<hs { attended[h * hs + d] += e[s] / z * v[s][g * hs + d] }
                    }
                }
                let o = apply(layer.wo, attended, out: c)
                for i in 0..<c { x[pos][i] += o[i] }
            }
            for pos in 0..<t {
                let n = rmsNorm(x[pos], layer.ffnNorm)
                let gate = apply(layer.wGate, n, out: cfg.ffnWidth)
                let up = apply(layer.wUp, n, out: cfg.ffnWidth)
                let hidden = gate.indices.map { gate[$0] / (1 + Foundation.exp(-gate[$0])) * up[$0] }
                let down = apply(layer.wDown, hidden, out: c)
                for i in 0..<c { x[pos][i] += down[i] }
            }
        }
        return x.map { apply(weights.output, rmsNorm($0, weights.outputNorm), out: cfg.vocab) }
    }

    /// The embedding rows of `tokens`: (T, C).
    static func embed(_ weights: LlamaWeights, _ tokens: [Int32]) -> [Float] {
        let c = weights.config.width
        return tokens.flatMap { weights.tokenEmbedding[Int($0) * c ..< (Int($0) + 1) * c] }
    }
}

/// Max |a - b| and the first index where it exceeds `tolerance` (nil when none does).
func logitDifference(_ a: UnsafeBufferPointer<Float>, _ b: [Double], tolerance: Double) -> (maxDiff: Double, firstBad: Int?) {
    var maxDiff = 0.0
    var firstBad: Int?
    for i in b.indices {
        let d = abs(Double(a[i]) - b[i])
        maxDiff = max(maxDiff, d)
        if d > tolerance && firstBad == nil { firstBad = i }
    }
    return (maxDiff, firstBad)
}
