// ^C at random moments during `train`, `ask`, `load` and `pairs`, typed into the real REPL on a
// pty that is its controlling terminal: while a command runs the terminal is in cooked mode and
// the byte 0x03 becomes SIGINT from the line discipline, through ptune's own handler; when it
// lands before the line was read, or after the command ended, it is libedit's ^C key instead.
// Either way the REPL must come back to its prompt, stay up, and hold a consistent session.
//
// Each round types the command, waits a seeded random delay spread over the command's measured
// running time (round 0: no delay; some delays fall after the command ended), types ^C, then
// `settle`s (a marker command whose answer proves every earlier key was handled) and asks the
// REPL itself about its state.
import Foundation
import Numerics
import PTuneTestSupport
import Testing

@Suite("^C typed into the REPL during long commands (pty, SIGINT)", .serialized,
       .enabled(if: CLI.binary != nil && Fixtures.defaultModelPath != nil))
struct InterruptPtyTests {
    /// Rounds per command: enough ^C presses at spread-out moments, within ~60–90 s for the
    /// suite on two busy cores (a training step of the 135M model takes 0.3–2 s there).
    static let rounds = (train: 8, ask: 10, load: 8, pairs: 12)

    // MARK: - Helpers

    /// The REPL in JSON mode with the default model loaded.
    private func start() throws -> ControllingTerminalREPL {
        let repl = try ControllingTerminalREPL(binary: CLI.binary!, arguments: ["--json"], defaultModel: Fixtures.defaultModelPath)
        try #require(repl.expect("ptune> ", timeout: 30) != nil, "no prompt: \(repl.tail())")
        // One BLAS thread: on two cores shared with other work, two threads made a training
        // step 2–3× slower (measured); this test is about interrupts, and its time is bounded.
        let threads = try repl.run("set threads 1")
        try #require(threads.last?["ok"] as? Bool == true, "set threads: \(threads) \(repl.tail())")
        let loaded = try repl.run("load")
        try #require(Self.first("load", in: loaded)?["ok"] as? Bool == true, "load: \(loaded) \(repl.tail())")
        return repl
    }

    /// Types `line` and returns the JSON object it printed (the first with its command name).
    private func query(_ repl: ControllingTerminalREPL, _ line: String, command: String? = nil,
                       timeout: Double = 30) throws -> [String: Any] {
        let name = command ?? String(line.prefix { $0 != " " })
        let printed = try repl.run(line, timeout: timeout)
        return try #require(Self.first(name, in: printed), "\(line): no answer in \(printed): \(repl.tail())")
    }

    /// The first object printed by `command`, if any.
    static func first(_ command: String, in objects: [[String: Any]]) -> [String: Any]? {
        objects.first { $0["command"] as? String == command }
    }

    /// Wall seconds `body` took.
    private func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// One round: types `line`, waits `delay` seconds (reading output), types ^C and settles;
    /// the JSON objects printed meanwhile. The REPL must still be running.
    private func interrupt(_ repl: ControllingTerminalREPL, _ line: String, after delay: Double, round: Int) throws -> [[String: Any]] {
        repl.type(line + "\r")
        repl.wait(seconds: delay)
        repl.type("\u{03}")
        let printed = try repl.settle()
        try #require(repl.isRunning, "round \(round): the REPL ended after ^C: \(repl.tail())")
        return printed
    }

    /// The delay of round `round` of `rounds`: none in round 0, else uniform in [0, 1.3 × `span`]
    /// — spread over the command's running time, about a quarter of them after it ended. Rounds
    /// past `rounds` (run only while no ^C has stopped the work yet, so that a machine much faster
    /// or slower than when `span` was measured cannot leave the test without one) aim early.
    private func delay(round: Int, of rounds: Int, span: Double, rng: inout SeededRNG) -> Double {
        let u = rng.nextDouble()
        if round >= rounds { return span * (0.1 + 0.1 * Double(round - rounds)) }
        return round == 0 ? 0 : u * 1.3 * span
    }

    /// Extra rounds allowed while no ^C has landed inside the work.
    static let extraRounds = 6

    /// Whether to play round `round`: the planned rounds, then extra ones until one was cut.
    private func playing(_ round: Int, of rounds: Int, cut: Int) -> Bool {
        round < rounds || (cut == 0 && round < rounds + Self.extraRounds)
    }

    private func quit(_ repl: ControllingTerminalREPL) {
        repl.type("quit\r")
        let status = repl.waitForExit(timeout: 30)
        #expect(status == 0, "quit: wait status \(status.map(String.init) ?? "none (still running)"): \(repl.tail())")
        print("InterruptPty: \(repl.markerRetries) marker retries")
    }

    // MARK: - train

    @Test("train: steps, loss history and vector agree after every ^C; the cut run equals one uninterrupted run")
    func train() throws {
        let repl = try start()
        // Short runs of cheap steps: two short pairs in one batch, two virtual tokens.
        for line in ["set batch_size 2", "set max_output_tokens 2", "pairs add \"The sky is\" -> \"blue\"",
                     "pairs add \"Grass is\" -> \"green\"", "init random 2", "snapshot \"start\""] {
            let printed = try repl.run(line)
            try #require(printed.last?["ok"] as? Bool == true, "\(line): \(printed)")
        }
        let span = try seconds { _ = try query(repl, "train 2") }
        var rng = SeededRNG(seed: 7_001)
        var step = 2, cut = 0, round = 0, silent = 0, delays: [Double] = []
        while playing(round, of: Self.rounds.train, cut: cut) {
            defer { round += 1 }
            let wait = delay(round: round, of: Self.rounds.train, span: span, rng: &rng)
            delays.append(wait)
            let printed = try interrupt(repl, "train 2", after: wait, round: round)
            // The session says how far training got: 0, 1 or 2 steps further.
            let now = try #require(try query(repl, "drift")["step"] as? Int, "round \(round): drift has no step")
            #expect((step...step + 2).contains(now), "round \(round) (^C after \(wait) s): step \(now) after step \(step)")
            // The answer, when it was printed (a ^C between Enter and the command skips the
            // command; one in the instant after the answer was written may flush it from the
            // terminal): consecutive steps up to the session's, both unless cut.
            if let result = Self.first("train", in: printed) {
                let steps = (result["steps"] as? [[String: Any]])?.compactMap { $0["step"] as? Int } ?? []
                let interrupted = result["interrupted"] as? Bool == true
                if interrupted { cut += 1 }
                #expect(steps == Array(stride(from: step + 1, through: now, by: 1))
                        && (interrupted || steps.count == 2) && result["total_steps"] as? Int == now,
                        "round \(round) (^C after \(wait) s): \(result), session at step \(now)")
            } else {
                silent += 1
            }
            step = now
            try checkTraining(repl, step: step, round: round)
        }
        // The vector, loss history and optimizer state of the cut-up run equal those of one
        // uninterrupted run of as many steps from the same start (bit for bit: same updates).
        let lossesCut = try losses(repl)
        _ = try query(repl, "snapshot \"cut\"")
        _ = try query(repl, "restore \"start\"")
        let whole = try query(repl, "train \(step)", command: "train", timeout: 30 + 10 * Double(step))
        #expect(whole["total_steps"] as? Int == step && whole["interrupted"] as? Bool == false, "\(whole)")
        let diff = try query(repl, "diff \"cut\"")
        #expect(diff["total_distance"] as? Double == 0, "vector after the cut run vs one run of \(step) steps: \(diff)")
        let lossesWhole = try losses(repl)
        #expect(lossesCut.map(\.0) == lossesWhole.map(\.0) && lossesCut.map(\.1) == lossesWhole.map(\.1), "loss history of the cut run vs one run: \(lossesCut) vs \(lossesWhole)")
        let next = try query(repl, "train 1")
        #expect((next["steps"] as? [[String: Any]])?.first?["step"] as? Int == step + 1, "training goes on: \(next)")
        print("InterruptPty train: \(cut) of \(round) runs cut by ^C, \(silent) without an answer, \(step) steps, one run \(span) s, delays \(delays)")
        #expect(cut >= 1, "no ^C landed inside a training run (delays \(delays), a run takes \(span) s)")
        quit(repl)
    }

    /// The session's step, its loss history and its vector agree: one history entry per step
    /// 1…step, and the drift and row norms recorded at the last step are the current vector's.
    private func checkTraining(_ repl: ControllingTerminalREPL, step: Int, round: Int) throws {
        let drift = try query(repl, "drift")
        #expect(drift["step"] as? Int == step, "round \(round): drift reports step \(drift["step"] ?? "nil"), expected \(step)")
        let points = try losses(repl)
        #expect(points.map(\.0) == Array(1...step) && points.allSatisfy { $0.1.isFinite },
                "round \(round): loss history steps \(points.map(\.0)), expected 1…\(step)")
        let recorded = try plotted(repl, "drift").first?.last
        let distance = drift["distance"] as? Double ?? .nan
        #expect(recorded?.0 == step && abs((recorded?.1 ?? .nan) - distance) <= 1e-5 * max(1, distance),
                "round \(round): drift recorded at the last step \(recorded.map { "\($0)" } ?? "nil") vs the vector's \(distance)")
        let norms = try plotted(repl, "norms").map { $0.last?.1 ?? .nan }
        let current = (drift["tokens"] as? [[String: Any]])?.map { $0["norm"] as? Double ?? .nan } ?? []
        #expect(norms.count == current.count && zip(norms, current).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, $1) },
                "round \(round): row norms recorded at the last step \(norms) vs the vector's \(current)")
    }

    /// `plot loss`: the training loss points (step, loss).
    private func losses(_ repl: ControllingTerminalREPL) throws -> [(Int, Double)] {
        try plotted(repl, "loss").first ?? []
    }

    /// `plot <series>`: every series' points as (step, value).
    private func plotted(_ repl: ControllingTerminalREPL, _ series: String) throws -> [[(Int, Double)]] {
        let plot = try query(repl, "plot \(series)")
        let all = try #require(plot["series"] as? [[String: Any]], "plot \(series): \(plot)")
        return all.map { s in
            ((s["points"] as? [[Double]]) ?? []).map { (Int($0[0]), $0[1]) }
        }
    }

    // MARK: - ask

    @Test("ask: a cut answer is the start of the full answer, and the next command answers as before")
    func ask() throws {
        let repl = try start()
        _ = try query(repl, "set max_output_tokens 24")
        let question = "ask \"Write a long story about a cat who sails around the world\""
        var full: [Int] = []
        let span = try seconds { full = try #require(try query(repl, question)["ids"] as? [Int]) }
        let next = "next \"The capital of France is\" 3"
        let top = try #require(try query(repl, next)["top"] as? [[String: Any]]).map { $0["id"] as? Int }
        var rng = SeededRNG(seed: 7_002)
        var cut = 0, round = 0, silent = 0, delays: [Double] = []
        while playing(round, of: Self.rounds.ask, cut: cut) {
            defer { round += 1 }
            let wait = delay(round: round, of: Self.rounds.ask, span: span, rng: &rng)
            delays.append(wait)
            let printed = try interrupt(repl, question, after: wait, round: round)
            // No answer: the ^C came between Enter and the command (which then did not run), or
            // just after the answer was written (the terminal flushes output not yet read).
            if let answer = Self.first("ask", in: printed) {
                let ids = answer["ids"] as? [Int] ?? []
                if answer["stop"] as? String == "interrupted" {
                    cut += 1
                    #expect(ids.count <= full.count && Array(full.prefix(ids.count)) == ids,
                            "round \(round): the cut answer \(ids) is not the start of \(full)")
                } else {
                    #expect(ids == full, "round \(round) (^C after \(wait) s): \(answer)")
                }
            } else {
                silent += 1
            }
            let again = try query(repl, next)
            #expect((again["top"] as? [[String: Any]])?.map { $0["id"] as? Int } == top, "round \(round): \(again)")
        }
        let last = try query(repl, question)
        #expect(last["ids"] as? [Int] == full && last["stop"] as? String != "interrupted", "an answer after all rounds: \(last)")
        print("InterruptPty ask: \(cut) of \(round) answers cut by ^C, \(silent) without an answer, one answer \(span) s, delays \(delays)")
        #expect(cut >= 1, "no ^C landed inside an answer (delays \(delays), an answer takes \(span) s)")
        quit(repl)
    }

    // MARK: - load

    @Test("load: after every ^C a whole model is loaded and ask answers as before")
    func load() throws {
        let repl = try start()
        _ = try query(repl, "set max_output_tokens 4")
        let span = try seconds { _ = try query(repl, "load") }
        let question = "ask \"The capital of France is\""
        let answer = try #require(try query(repl, question)["ids"] as? [Int])
        var rng = SeededRNG(seed: 7_003)
        var delays: [Double] = []
        for round in 0..<Self.rounds.load {
            let wait = delay(round: round, of: Self.rounds.load, span: span, rng: &rng)
            delays.append(wait)
            let printed = try interrupt(repl, "load", after: wait, round: round)
            if let result = Self.first("load", in: printed) {
                // `load` is not stopped by ^C (the file is mapped, a model is all or nothing).
                #expect(result["ok"] as? Bool == true, "round \(round): \(result)")
            }
            let model = try query(repl, "show model", command: "show")
            let shown = model["model"] as? [String: Any]
            #expect(model["ok"] as? Bool == true && shown?["layers"] as? Int == 30 && shown?["vocab"] as? Int == 49152,
                    "round \(round): \(model)")
            let again = try query(repl, question)
            #expect(again["ids"] as? [Int] == answer, "round \(round): \(again) vs \(answer)")
        }
        print("InterruptPty load: one load \(span) s, delays \(delays)")
        quit(repl)
    }

    // MARK: - pairs

    @Test("pairs: a big file is read whole or not at all after every ^C")
    func pairs() throws {
        let repl = try start()
        let lines = 50_000
        var text = ""
        text.reserveCapacity(lines * 80)
        for i in 0..<lines { text += "{\"input\": \"question number \(i) about the weather\", \"output\": \"answer \(i % 7)\"}\n" }
        let file = repl.home + "/big.jsonl"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let command = "pairs \"\(file)\""
        var count = 0
        let span = try seconds {
            count = try #require(try query(repl, command)["count"] as? Int)
        }
        #expect(count == lines)
        var rng = SeededRNG(seed: 7_004)
        var stopped = 0, round = 0, silent = 0, delays: [Double] = []
        while playing(round, of: Self.rounds.pairs, cut: stopped) {
            defer { round += 1 }
            let wait = delay(round: round, of: Self.rounds.pairs, span: span, rng: &rng)
            delays.append(wait)
            let printed = try interrupt(repl, command, after: wait, round: round)
            // The session's count: the old one, or the old one plus the whole file; never between.
            let added = try query(repl, "pairs add \"x\" -> \"y\"")
            let now = (added["count"] as? Int ?? -1) - 1
            #expect(now == count || now == count + lines,
                    "round \(round) (^C after \(wait) s): \(now) pairs, expected \(count) or \(count + lines)")
            // The answer, when printed (see `ask`), agrees: read whole, or stopped with nothing taken.
            if let result = Self.first("pairs", in: printed) {
                if result["ok"] as? Bool == true {
                    #expect(result["count"] as? Int == count + lines && now == count + lines, "round \(round): \(result), now \(now)")
                } else {
                    stopped += 1
                    let message = ((result["error"] as? [String: Any])?["message"] as? String) ?? "\(result)"
                    #expect(message.contains("reading stopped") && message.contains("no pairs were taken") && now == count,
                            "round \(round): \(message), \(now) pairs after \(count)")
                }
            } else {
                silent += 1
            }
            count = now + 1
        }
        print("InterruptPty pairs: \(stopped) of \(round) reads stopped by ^C, \(silent) without an answer, one read \(span) s, delays \(delays)")
        #expect(stopped >= 1, "no ^C landed inside a read (delays \(delays), a read takes \(span) s)")
        quit(repl)
    }
}
