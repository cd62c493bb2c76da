import ArgumentParser
import VVECore
import VVEStore

/// `vve missing`: the 72-hour return home interview clock, and the morning briefing.
struct MissingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "missing", abstract: "List returned children awaiting their return home interview, and last night's episodes.",
        discussion: """
            Both read this node's own missing episodes and its copies of peers' episodes. A copy is listed only with the \
            groups its owner shares: `due` needs `episode` and `interview`. A child is named where the owner grants \
            `identity`, and is otherwise shown by the police reference.
            """,
        subcommands: [MissingDueCommand.self, MissingOvernightCommand.self])
}

struct MissingDueCommand: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "due", abstract: "List returned children whose return home interview is not yet held, most urgent first.",
        discussion: """
            CLOCK counts down the 72 hours from the return within which the home authority must offer the interview, then \
            counts the hours overdue; once an offer is recorded it says whether it came within the 72 hours or late. A \
            child stays listed until the interview is held or the episode is closed, since the authority keeps trying \
            after a refusal. Children not yet offered an interview come first. DUTY is `statutory` for a child under 18 when reported missing, or whose date of \
            birth this node does not know; `voluntary` for 18 and over, where the interview is offered but not owed. HOME \
            is the authority that holds the duty. RELOCATION is the relocation the police linked the episode to: its \
            receiving authority's SPOC knows the child. The listing is audited as a read.

            Record an offer on a copy with:
              vve copy update ID --json '{"fields": {"interviewOffers": [{"offeredAt": "2026-12-06T09:30:00.000Z"}]}}'

            Examples:
              vve missing due --dir ~/vve/camden
              vve missing due --json --dir ~/vve/camden
            """)

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let now = context.time
        let due = Self.due(try node.store.missingEpisodes(context: context))
        Output.listing(
            due, json: json, none: "No returned child is awaiting a return home interview.", headers: Self.headers,
            row: { Self.row($0, now: now) },
            document: { item in
                var object = MissingText.document(item.view)
                object["deadline"] = .string(item.clock.deadline.description)
                object["hoursLeft"] = .integer(item.clock.hoursLeft(at: now))
                object["clock"] = .string(item.clock.hoursText(at: now))
                object["overdue"] = .bool(item.clock.isOverdue(at: now))
                object["duty"] = .string(item.clock.statutory ? "statutory" : "voluntary")
                return .object(object)
            })
        let overdue = due.count { $0.clock.statutory && $0.clock.isOverdue(at: now) }
        if !json, overdue > 0 {
            Output.line("\(overdue) past the 72 hours with a statutory duty.")
        }
    }

    /// The episodes awaiting an interview, with their clocks: those not yet offered one
    /// first, then the rest, each the earliest deadline first.
    static func due(_ views: [MissingEpisodeView]) -> [(view: MissingEpisodeView, clock: ReturnInterviewClock)] {
        views.filter(\.awaitsInterview).compactMap { view in view.clock.map { (view: view, clock: $0) } }
            .sorted {
                ($0.clock.offers.isEmpty ? 0 : 1, $0.clock.deadline, $0.view.id.description)
                    < ($1.clock.offers.isEmpty ? 0 : 1, $1.clock.deadline, $1.view.id.description)
            }
    }

    static let headers = ["CHILD", "RETURNED", "CLOCK", "DUTY", "HOME", "OFFERS", "RELOCATION", "OWNER", "ID"]

    static func row(_ item: (view: MissingEpisodeView, clock: ReturnInterviewClock), now: Timestamp) -> [String] {
        [
            item.view.label, MissingText.time(item.clock.returnedAt), item.clock.hoursText(at: now), item.clock.statutory ? "statutory" : "voluntary",
            item.view.homeAuthority?.rawValue ?? "-", MissingText.offers(item.view), item.view.linkedRelocation?.description ?? "-",
            item.view.owner.rawValue + (item.view.holding == .copy ? " (copy)" : ""), item.view.id.description,
        ]
    }
}

struct MissingOvernightCommand: AuditedCommand {
    static let configuration = CommandConfiguration(
        commandName: "overnight", abstract: "List the missing episodes reported, returned or closed in the last 24 hours: the morning briefing.",
        discussion: """
            An episode is listed once for each of those events since the time given, oldest first. A closed episode is \
            dated by the record's last change on this node (for a copy, when this node received it). The listing is \
            audited as a read.

            Examples:
              vve missing overnight --dir ~/vve/camden
              vve missing overnight --since 2026-12-05T17:00:00.000Z --json --dir ~/vve/camden
            """)

    @Option(help: "Start of the period, in UTC as YYYY-MM-DDTHH:MM:SS.mmmZ (default: 24 hours ago).")
    var since: String?

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @OptionGroup var location: NodeLocation
    @OptionGroup var operatorOption: OperatorOption

    func execute(on node: OpenedNode, context: OperationContext) throws {
        let start: Timestamp
        if let since {
            guard let parsed = Timestamp(since) else {
                throw CommandFailure("--since \(since): \(Timestamp.formRule), such as 2026-12-05T17:00:00.000Z", status: .usage)
            }
            start = parsed
        } else {
            start = Timestamp(millisecondsSinceEpoch: context.time.millisecondsSinceEpoch - 86_400_000)
        }
        var events: [(at: Timestamp, event: String, view: MissingEpisodeView)] = []
        for view in try node.store.missingEpisodes(context: context) {
            if let reported = view.reportedMissingAt, reported >= start { events.append((reported, "reported", view)) }
            if let returned = view.returnedAt, returned >= start { events.append((returned, "returned", view)) }
            if view.status == .closed, view.changedAt >= start { events.append((view.changedAt, "closed", view)) }
        }
        events.sort { ($0.at, $0.view.id.description, $0.event) < ($1.at, $1.view.id.description, $1.event) }
        Output.listing(
            events, json: json, none: "No missing episode was reported, returned or closed since \(start).",
            headers: ["AT", "EVENT", "CHILD", "RISK", "HOME", "HOST", "FOUND IN", "STATUS", "OWNER", "ID"],
            row: { item in
                let view = item.view
                return [
                    MissingText.time(item.at), item.event, view.label, view.riskGrading?.rawValue ?? "-", view.homeAuthority?.rawValue ?? "-",
                    view.hostArea?.rawValue ?? "-", view.foundIn?.rawValue ?? "-", view.status?.rawValue ?? "-",
                    view.owner.rawValue + (view.holding == .copy ? " (copy)" : ""), view.id.description,
                ]
            },
            document: { item in
                var object = MissingText.document(item.view)
                object["event"] = .string(item.event)
                object["at"] = .string(item.at.description)
                return .object(object)
            })
    }
}

/// How the `missing` commands write an episode's parts.
enum MissingText {
    /// `2026-12-05 14:30Z`: minutes are enough for a clock counted in hours.
    static func time(_ time: Timestamp) -> String {
        let text = time.description
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + "Z"
    }

    /// `none`, or the count with the latest offer, and the child's answer.
    static func offers(_ view: MissingEpisodeView) -> String {
        guard let last = view.offers.last else { return view.response.map { "none, \($0.rawValue)" } ?? "none" }
        return "\(view.offers.count), last \(time(last))" + (view.response.map { ", \($0.rawValue)" } ?? "")
    }

    /// The parts every `--json` listing carries, null where this node does not know them.
    static func document(_ view: MissingEpisodeView) -> JSONObject {
        func value(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return [
            "id": .string(view.id.description), "owner": .string(view.owner.rawValue), "copy": .bool(view.holding == .copy),
            "child": value(view.name), "policeReference": value(view.policeReference), "status": value(view.status?.rawValue),
            "homeAuthority": value(view.homeAuthority?.rawValue), "hostArea": value(view.hostArea?.rawValue),
            "reportedMissingAt": value(view.reportedMissingAt?.description), "returnedAt": value(view.returnedAt?.description),
            "foundIn": value(view.foundIn?.rawValue), "riskGrading": value(view.riskGrading?.rawValue),
            "linkedRelocation": value(view.linkedRelocation?.description),
            "interviewOffers": .array(view.offers.map { .string($0.description) }), "interviewResponse": value(view.response?.rawValue),
            "interviewHeldAt": value(view.heldAt?.description),
        ]
    }
}
