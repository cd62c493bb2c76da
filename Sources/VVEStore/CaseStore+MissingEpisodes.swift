import Foundation
import GRDB
import VVECore

extension CaseStore {
    /// Every live missing episode this node holds, its own and its copies of peers', as
    /// views, with the consultation audited as one entry. What `vve missing due` and
    /// `vve missing overnight` read.
    package func missingEpisodes(context: OperationContext) throws -> [MissingEpisodeView] {
        try transaction { db in
            let views = try missingEpisodeViews(db)
            let own = views.count { $0.holding == .own }
            var audit = try AuditAppender(db)
            try audit.append(
                AuditEvent(
                    time: context.time, actor: context.actor.rawValue, action: .read,
                    detail: "list missing episodes: \(own) own, \(views.count - own) copies"), db)
            return views
        }
    }

    /// How many returned children await their return home interview at `now`, and how many
    /// of those are past the 72 hours with a statutory duty: counts only, which `vve status`
    /// shows without reading any record out.
    package func returnInterviewCounts(at now: Timestamp) throws -> (awaiting: Int, overdue: Int) {
        try reading { db in
            let clocks = try missingEpisodeViews(db).filter(\.awaitsInterview).compactMap(\.clock)
            return (clocks.count, clocks.count { $0.statutory && $0.isOverdue(at: now) })
        }
    }

    private func missingEpisodeViews(_ db: Database) throws -> [MissingEpisodeView] {
        var views: [MissingEpisodeView] = []
        let allGroups = Set(RecordKind.missingEpisode.fieldGroups.map(\.name))
        let own = try String.fetchAll(
            db.cachedStatement(sql: "SELECT document FROM record WHERE kind = 'missing-episode' AND erased = 0 ORDER BY id"))
        for document in own {
            let source = try ProjectionSource.stored(try JSONParser.parse(Array(document.utf8)))
            views.append(
                MissingEpisodeView(
                    id: source.id, owner: source.owner, holding: .own, groups: allGroups, values: source.registerValues,
                    changedAt: source.updatedAt))
        }
        let copies = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, copy, received_at FROM shared_copy WHERE kind = 'missing-episode' ORDER BY id"))
        for row in copies {
            guard let id = RecordID(row["id"] as String) else { continue }
            let copy = try decodeSharedCopy(row["copy"], id: id)
            guard copy.replica.erasure == nil, let received = Timestamp(row["received_at"] as String) else { continue }
            views.append(
                MissingEpisodeView(id: id, owner: copy.owner, holding: .copy, groups: copy.groups, values: copy.values, changedAt: received))
        }
        return views
    }
}
