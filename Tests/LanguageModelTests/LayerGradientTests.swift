import Foundation
import LanguageModel
import Numerics
import Testing

// Every layer's backward against central finite differences of `L = Σ w · forward(x)`, whose
// gradient w.r.t. the output is the random weight `w`. Small random shapes; Double-accumulated loss.

@Suite("Layer backward vs finite differences")
struct LayerGradientTests {
    @Test func rmsnorm() {
        var rng = SeededRNG(seed: 1)
        let shape = RMSNorm.Shape(rows: 3, width: 10, eps: 1e-5)
        let x = randomTensor(30, rng: &rng), weight = randomTensor(10, rng: &rng), w = randomTensor(30, rng: &rng)
        func forward(_ x: [Float]) -> (y: [Float], rstd: [Float]) {
            var y = [Float](repeating: 0, count: 30), rstd = [Float](repeating: 0, count: 3)
            RMSNorm.forward(out: &y, rstd: &rstd, input: x, weight: weight, shape: shape)
            return (y, rstd)
        }
        let (y, rstd) = forward(x)
        // forward matches the definition y = x · 1/sqrt(mean(x²)+eps) · weight
        for row in 0..<3 {
            let v = x[(row * 10)..<(row * 10 + 10)]
            let s = 1 / (v.map { Double($0 * $0) }.reduce(0, +) / 10 + 1e-5).squareRoot()
            for i in 0..<10 {
                #expect(abs(Double(y[row * 10 + i]) - Double(x[row * 10 + i]) * s * Double(weight[i])) < 1e-5)
            }
        }
        var dx = [Float](repeating: 0.5, count: 30)  // backward accumulates: start from 0.5 and subtract it
        RMSNorm.backward(dInput: &dx, dOut: w, input: x, weight: weight, rstd: rstd, shape: shape)
        expectGradient("RMSNorm dx", analytic: dx.map { $0 - 0.5 }, of: { weightedSum(forward($0).y, w) }, at: x)
    }

    @Test func rope() {
        var rng = SeededRNG(seed: 2)
        let shape = RoPE.Shape(batch: 2, length: 5, heads: 3, headSize: 8, firstPosition: 2)
        let table = RoPE.Table(headSize: 8, theta: 10_000, positions: 16)
        let count = 2 * 5 * 3 * 8
        let x = randomTensor(count, rng: &rng), w = randomTensor(count, rng: &rng)
        func forward(_ x: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: count)
            RoPE.forward(out: &y, input: x, shape: shape, table: table)
            return y
        }
        var dx = [Float](repeating: 0, count: count)
        RoPE.backward(dInput: &dx, dOut: w, shape: shape, table: table)
        expectGradient("RoPE dx", analytic: dx, of: { weightedSum(forward($0), w) }, at: x)
    }

    /// GGUF pair order on GGUF rows equals HF rotate-half on HF's un-permuted rows
    /// (`hf[p·HS/2 + i] = gguf[2i + p]`).
    @Test func ropeMatchesRotateHalfOnPermutedRows() {
        var rng = SeededRNG(seed: 3)
        let hs = 8, half = 4, positions = 6
        let table = RoPE.Table(headSize: hs, theta: 100_000, positions: positions)
        let x = randomTensor(positions * hs, rng: &rng)
        var y = [Float](repeating: 0, count: x.count)
        RoPE.forward(out: &y, input: x, shape: .init(batch: 1, length: positions, heads: 1, headSize: hs), table: table)
        for p in 0..<positions {
            for i in 0..<half {
                let angle = Double(p) / pow(100_000.0, Double(2 * i) / Double(hs))
                let x1 = Double(x[p * hs + 2 * i]), x2 = Double(x[p * hs + 2 * i + 1])  // hf[i], hf[i + half]
                let hf1 = x1 * cos(angle) - x2 * sin(angle), hf2 = x2 * cos(angle) + x1 * sin(angle)
                #expect(abs(Double(y[p * hs + 2 * i]) - hf1) < 1e-5 && abs(Double(y[p * hs + 2 * i + 1]) - hf2) < 1e-5,
                        "position \(p) pair \(i)")
            }
        }
    }

    @Test func attention() {
        var rng = SeededRNG(seed: 4)
        let shape = Attention.Shape(batch: 2, length: 5, heads: 4, kvHeads: 2, headSize: 3)
        let lengths = [5, 3]
        let nq = 2 * 5 * 12, nk = 2 * 5 * 6
        let q = randomTensor(nq, rng: &rng), k = randomTensor(nk, rng: &rng), v = randomTensor(nk, rng: &rng)
        var w = randomTensor(nq, rng: &rng)
        for t in 3..<5 { for i in 0..<12 { w[(5 + t) * 12 + i] = 0 } }  // no loss on padding rows
        func forward(_ q: [Float], _ k: [Float], _ v: [Float]) -> (out: [Float], att: [Float]) {
            var out = [Float](repeating: 0, count: nq), att = [Float](repeating: 0, count: 2 * 4 * 25)
            Attention.forward(out: &out, att: &att, q: q, k: k, v: v, lengths: lengths, shape: shape)
            return (out, att)
        }
        let (out, att) = forward(q, k, v)
        #expect(compare(out, naiveAttention(q: q, k: k, v: v, lengths: lengths, shape: shape), absolute: 1e-5).firstBad == nil)
        var dq = [Float](repeating: 0, count: nq), dk = [Float](repeating: 0, count: nk)
        var dv = [Float](repeating: 0, count: nk), scratch = [Float](repeating: 0, count: 25)
        Attention.backward(dq: &dq, dk: &dk, dv: &dv, dAtt: &scratch, dOut: w, att: att, q: q, k: k, v: v,
                           lengths: lengths, shape: shape)
        expectGradient("attention dq", analytic: dq, of: { weightedSum(forward($0, k, v).out, w) }, at: q)
        expectGradient("attention dk", analytic: dk, of: { weightedSum(forward(q, $0, v).out, w) }, at: k)
        expectGradient("attention dv", analytic: dv, of: { weightedSum(forward(q, k, $0).out, w) }, at: v)
        // padding keys/values (batch row 1, t ≥ 3) receive nothing
        for t in 3..<5 { for i in 0..<6 { #expect(dk[(5 + t) * 6 + i] == 0 && dv[(5 + t) * 6 + i] == 0) } }
    }

    @Test func swiglu() {
        var rng = SeededRNG(seed: 5)
        let count = 40
        let gate = randomTensor(count, scale: 3, rng: &rng), up = randomTensor(count, rng: &rng), w = randomTensor(count, rng: &rng)
        func forward(_ g: [Float], _ u: [Float]) -> [Float] {
            var h = [Float](repeating: 0, count: count)
            SwiGLU.forward(out: &h, gate: g, up: u, count: count)
            return h
        }
        var dg = [Float](repeating: 0, count: count), du = [Float](repeating: 0, count: count)
        SwiGLU.backward(dGate: &dg, dUp: &du, dOut: w, gate: gate, up: up, count: count)
        expectGradient("SwiGLU dgate", analytic: dg, of: { weightedSum(forward($0, up), w) }, at: gate)
        expectGradient("SwiGLU dup", analytic: du, of: { weightedSum(forward(gate, $0), w) }, at: up)
    }

    @Test func linearAndResidual() {
        var rng = SeededRNG(seed: 6)
        let shape = Linear.Shape(rows: 3, inFeatures: 5, outFeatures: 4)
        let x = randomTensor(15, rng: &rng), weight = randomTensor(20, rng: &rng), w = randomTensor(12, rng: &rng)
        func forward(_ x: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: 12)
            Linear.forward(out: &y, input: x, weight: weight, shape: shape)
            return y
        }
        var dx = [Float](repeating: 0, count: 15)
        Linear.backward(dInput: &dx, dOut: w, weight: weight, shape: shape)
        expectGradient("Linear dx", analytic: dx, of: { weightedSum(forward($0), w) }, at: x)

        let a = randomTensor(6, rng: &rng), b = randomTensor(6, rng: &rng), wr = randomTensor(6, rng: &rng)
        var sum = [Float](repeating: 0, count: 6)
        Residual.forward(out: &sum, a: a, b: b, count: 6)
        #expect(sum == zip(a, b).map { $0 + $1 })
        var da = [Float](repeating: 1, count: 6), db = [Float](repeating: 0, count: 6)
        Residual.backward(dA: &da, dB: &db, dOut: wr, count: 6)
        #expect(da == wr.map { $0 + 1 } && db == wr, "residual backward accumulates the output gradient into both inputs")
    }

    @Test func lmHeadGatherAndScatter() {
        var rng = SeededRNG(seed: 7)
        let width = 4, vocab = 6, rows = [5, 1, 5]
        let hidden = randomTensor(8 * width, rng: &rng), table = randomTensor(vocab * width, rng: &rng)
        let w = randomTensor(rows.count * vocab, rng: &rng)
        func forward(_ h: [Float]) -> [Float] {
            var picked = [Float](repeating: 0, count: rows.count * width)
            LMHead.gather(out: &picked, input: h, rows: rows, width: width)
            var logits = [Float](repeating: 0, count: rows.count * vocab)
            LMHead.forward(logits: &logits, input: picked, output: table, rows: rows.count, width: width, vocab: vocab)
            return logits
        }
        var dPicked = [Float](repeating: 0, count: rows.count * width)
        LMHead.backward(dInput: &dPicked, dLogits: w, output: table, rows: rows.count, width: width, vocab: vocab)
        var dh = [Float](repeating: 0, count: hidden.count)
        LMHead.scatter(dInput: &dh, dOut: dPicked, rows: rows, width: width)
        expectGradient("LM head dx", analytic: dh, of: { weightedSum(forward($0), w) }, at: hidden)
    }
}

// MARK: - Naive references

/// Attention with plain loops: per (b, h, i), softmax over j ≤ i of q·k·scale, then Σ p·v.
func naiveAttention(q: [Float], k: [Float], v: [Float], lengths: [Int], shape: Attention.Shape) -> [Float] {
    let t = shape.length, hs = shape.headSize, qw = shape.heads * hs, kw = shape.kvHeads * hs
    var out = [Float](repeating: 0, count: shape.batch * t * qw)
    for b in 0..<shape.batch {
        for h in 0..<shape.heads {
            let kvh = h / (shape.heads / shape.kvHeads)
            for i in 0..<lengths[b] {
                var scores = [Double](repeating: 0, count: i + 1)
                for j in 0...i {
                    var dot = 0.0
                    for d in 0..<hs { dot += Double(q[(b * t + i) * qw + h * hs + d]) * Double(k[(b * t + j) * kw + kvh * hs + d]) }
                    scores[j] = dot / Double(hs).squareRoot()
                }
                let m = scores.max()!
                let e = scores.map { exp($0 - m) }
                let z = e.reduce(0, +)
                for d in 0..<hs {
                    var acc = 0.0
                    for j in 0...i { acc += e[j] / z * Double(v[(b * t + j) * kw + kvh * hs + d]) }
                    out[(b * t + i) * qw + h * hs + d] = Float(acc)
                }
            }
        }
    }
    return out
}
