import VVECore
import VVESync

/// What the asking node's audit log keeps of a report: the query, the peers asked, and what
/// each released or why it did not.
enum ReportAudit {
    static func detail(_ report: AggregateReport) -> String {
        let query = report.query
        let quarters = query.quarters
        var text = "aggregate \(query.queryID) for analyst \(query.analyst): \(query.measure.rawValue) \(ReportPack.span(quarters))"
        text += "; asked " + report.results.map(\.peer.rawValue).joined(separator: ", ")
        for (peer, result) in report.results {
            switch result {
            case .answered(let answer): text += "; \(peer): \(AggregateResponder.released(answer))"
            case .refused(let reason): text += "; \(peer): refused (\(reason))"
            case .noAnswer(let reason): text += "; \(peer): no answer (\(reason))"
            }
        }
        return text + "; outcome \(report.outcome.rawValue)"
    }
}
