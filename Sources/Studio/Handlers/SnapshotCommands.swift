// Dimension letters: N = virtual tokens, C = model width.
import Foundation
import PromptTuning
import PTScript
import Terminal

// MARK: - snapshot, snapshots, restore, diff, undo

extension Interpreter {
    /// `snapshot "name"`: keeps the vector, optimizer state and history under a name.
    func snapshot(_ name: String) throws -> CommandOutcome {
        guard let prompt = session.tuning.prompt else {
            throw CommandFailure("there is no prompt vector to keep; create one with init \"text\", init random or init vocab")
        }
        let replaced = session.tuning.snapshots.snapshot(named: name) != nil
        let checkpoint = session.tuning.checkpoint
        session.tuning.snapshots.keep(Snapshot(name: name, checkpoint: checkpoint, settings: session.settings))
        var human = "snapshot \"\(name)\": \(prompt.rows) × \(prompt.width) at step \(checkpoint.step)"
        if let loss = checkpoint.history.entries.last?.loss { human += String(format: ", last loss %.4f", loss) }
        if replaced { human += " (replaced the earlier one)" }
        return CommandOutcome(human: human, fields: [("name", .string(name))] + Self.snapshotFields(checkpoint)
                                  + [("replaced", .bool(replaced))])
    }

    /// `snapshots`: name, step, shape, last loss and the settings that differ from the current ones.
    func listSnapshots() -> CommandOutcome {
        let all = session.tuning.snapshots.snapshots
        guard !all.isEmpty else {
            return CommandOutcome(human: "no snapshots yet; keep one with snapshot \"name\"", fields: [("snapshots", .array([]))])
        }
        var rows: [[String]] = []
        var entries: [JSONValue] = []
        for snap in all {
            let c = snap.checkpoint
            let differing = Settings.all.filter { snap.settings[$0.name] != session.settings[$0.name] }
                .map { "\($0.name) \(snap.settings[$0.name])" }
            rows.append([snap.name, "\(c.step)", c.prompt.map { "\($0.rows) × \($0.width)" } ?? "–",
                         c.history.entries.last.map { String(format: "%.4f", $0.loss) } ?? "–",
                         differing.isEmpty ? "" : differing.joined(separator: ", ")])
            entries.append(.object([("name", .string(snap.name))] + Self.snapshotFields(c)
                                   + [("settings_differing", .object(Settings.all.filter { snap.settings[$0.name] != session.settings[$0.name] }
                                       .map { ($0.name, Self.json(snap.settings[$0.name])) }))]))
        }
        let table = TableRenderer(border: .box, maxWidth: TerminalSize.columns(fileDescriptor: 1) - 1)
            .render(headers: ["name", "step", "shape", "last loss", "settings then (where different now)"], rows: rows)
        return CommandOutcome(human: table, fields: [("snapshots", .array(entries))])
    }

    /// `restore "name"`: the snapshot's vector, optimizer state and history become current;
    /// the replaced ones can come back with `undo`.
    func restore(_ name: String) throws -> CommandOutcome {
        guard let snap = session.tuning.snapshots.snapshot(named: name) else {
            throw CommandFailure("there is no snapshot \"\(name)\"; 'snapshots' lists them")
        }
        if let model = session.model, let prompt = snap.checkpoint.prompt, prompt.width != model.config.width {
            throw CommandFailure("snapshot \"\(name)\" has width \(prompt.width), the loaded model \(model.config.width)")
        }
        session.tuning.replace(with: snap.checkpoint, action: "restore \"\(name)\"")
        return CommandOutcome(human: "restored \"\(name)\": step \(snap.checkpoint.step)" + describeShape(snap.checkpoint),
                              fields: [("name", .string(name))] + Self.snapshotFields(snap.checkpoint))
    }

    /// `undo`: puts back the state before the last `train`, `init`, `load prompt` or `restore`.
    func undo() throws -> CommandOutcome {
        guard let entry = session.tuning.snapshots.popUndo() else {
            throw CommandFailure("there is nothing to undo; undo reverts the last init, train, load prompt or restore")
        }
        session.tuning.apply(entry.checkpoint)
        return CommandOutcome(human: "undid \(entry.action): back to step \(entry.checkpoint.step)" + describeShape(entry.checkpoint),
                              fields: [("undone", .string(entry.action))] + Self.snapshotFields(entry.checkpoint)
                                  + [("undo_left", .int(session.tuning.snapshots.undoStack.count))])
    }

    private func describeShape(_ c: TuningCheckpoint) -> String {
        c.prompt.map { ", \($0.rows) × \($0.width) vector" } ?? ", no prompt vector"
    }

    static func snapshotFields(_ c: TuningCheckpoint) -> [(String, JSONValue)] {
        [("step", .int(c.step)), ("virtual_tokens", c.prompt.map { .int($0.rows) } ?? .null),
         ("loss", c.history.entries.last.map { .float($0.loss) } ?? .null),
         ("norm", c.prompt.map { .number($0.norm) } ?? .null)]
    }

    // MARK: - diff

    /// `diff "a" "b"` / `diff "a"` (against the current vector): per virtual token the L2
    /// distance and cosine between the two rows, and each one's nearest word.
    func diff(_ a: String, _ b: String?) throws -> CommandOutcome {
        let left = try diffSide(a)
        let right = try b.map(diffSide) ?? ("current", session.tuning.prompt)
        guard let p = left.1, let q = right.1 else {
            throw CommandFailure("\"\(left.1 == nil ? left.0 : right.0)\" has no prompt vector to compare")
        }
        guard p.rows == q.rows, p.width == q.width else {
            throw CommandFailure("expected two vectors of the same shape, found \(p.rows) × \(p.width) (\(left.0)) and \(q.rows) × \(q.width) (\(right.0))")
        }
        let rows = PromptDiff(p, q)
        var nearP: [Neighbour] = [], nearQ: [Neighbour] = []
        if let model = session.model, model.config.width == p.width {
            let lens: any NeighbourLens = try session.embeddingIndex()
            nearP = try lens.nearest(p.values, rows: p.rows, k: 1).map { $0[0] }
            nearQ = try lens.nearest(q.values, rows: q.rows, k: 1).map { $0[0] }
        }
        let piece = { (n: Neighbour) in self.session.model?.tokenizer.displayPiece(n.id) ?? "\(n.id)" }
        var table: [[String]] = []
        var entries: [JSONValue] = []
        for row in 0..<p.rows {
            var cells = ["\(row)", String(format: "%.4f", rows.distances[row]), String(format: "%.4f", rows.cosines[row])]
            var fields: [(String, JSONValue)] = [("index", .int(row)), ("distance", .number(rows.distances[row])),
                                                 ("cosine", .number(rows.cosines[row]))]
            if !nearP.isEmpty {
                let changed = nearP[row].id != nearQ[row].id
                cells += [piece(nearP[row]), piece(nearQ[row]), changed ? "*" : ""]
                fields += [("nearest_a", wordJSON(nearP[row])), ("nearest_b", wordJSON(nearQ[row])), ("changed", .bool(changed))]
            }
            table.append(cells)
            entries.append(.object(fields))
        }
        let headers = ["#", "distance", "cosine"] + (nearP.isEmpty ? [] : ["nearest in \(left.0)", "nearest in \(right.0)", "changed"])
        let changedCount = zip(nearP, nearQ).filter { $0.id != $1.id }.count
        var human = String(format: "\"%@\" → \"%@\": total distance %.4f", left.0, right.0, rows.total)
        if !nearP.isEmpty { human += ", \(changedCount) of \(p.rows) nearest words changed" }
        human += "\n" + TableRenderer(border: .box, maxWidth: TerminalSize.columns(fileDescriptor: 1) - 1).render(headers: headers, rows: table)
        return CommandOutcome(human: human, fields: [
            ("a", .string(left.0)), ("b", .string(right.0)), ("total_distance", .number(rows.total)),
            ("changed", nearP.isEmpty ? .null : .int(changedCount)), ("tokens", .array(entries)),
        ])
    }

    private func diffSide(_ name: String) throws -> (String, PromptVector?) {
        guard let snap = session.tuning.snapshots.snapshot(named: name) else {
            throw CommandFailure("there is no snapshot \"\(name)\"; 'snapshots' lists them")
        }
        return (name, snap.checkpoint.prompt)
    }

    private func wordJSON(_ n: Neighbour) -> JSONValue {
        .object([("id", .int(Int(n.id))), ("token", .string(session.model?.tokenizer.decode([n.id]) ?? "")),
                 ("cosine", .float(n.cosine))])
    }
}

/// Row-by-row comparison of two prompt vectors of the same shape.
struct PromptDiff {
    /// (N) ‖p_i − q_i‖.
    var distances: [Double]
    /// (N) cos(p_i, q_i); 0 when a row is all zeros.
    var cosines: [Double]
    /// ‖P − Q‖ over the whole matrix.
    var total: Double

    init(_ p: PromptVector, _ q: PromptVector) {
        distances = (0..<p.rows).map { TrainingHistory.distance(p.row($0), q.row($0)) }
        cosines = (0..<p.rows).map { row in
            var dot = 0.0, pp = 0.0, qq = 0.0
            for (x, y) in zip(p.row(row), q.row(row)) {
                dot += Double(x) * Double(y); pp += Double(x) * Double(x); qq += Double(y) * Double(y)
            }
            return pp > 0 && qq > 0 ? dot / (pp.squareRoot() * qq.squareRoot()) : 0
        }
        total = TrainingHistory.distance(p.values[...], q.values[...])
    }
}
