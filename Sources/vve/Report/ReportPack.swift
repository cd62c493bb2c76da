import VVECore

/// What `vve report` made: one report per measure asked, and when and where it was made.
struct ReportPack {
    /// The `--json` schema's name and version: a change that breaks a reader changes it.
    static let schema = "vve-report/1"

    let reports: [AggregateReport]
    let generatedAt: Timestamp
    let node: AuthorityName

    /// The span of `quarters`, such as `2024Q4-2026Q3`.
    static func span(_ quarters: [Quarter]) -> String {
        quarters.count == 1 ? quarters[0].description : "\(quarters[0])-\(quarters[quarters.count - 1])"
    }

    /// The period a row of `table` covers: its quarter for a trend, the year for a flow, every
    /// quarter asked for the lines first seen in them (`distinct-lines`).
    static func period(_ table: RegionalTable, row: Int?, quarters: [Quarter]) -> String {
        if !table.labels.measure.isCountedByQuarter { return "today" }
        if table.labels.name == DistinctLines.name { return span(quarters) }
        if table.labels.rowDimension == "quarter", let row { return table.labels.rows[row] }
        return table.labels.rowDimension == "quarter" ? span(quarters) : span(Array(quarters.suffix(TableDefinition.flowQuarters)))
    }

    /// The stable `--json` form (docs/guide/reports.md).
    var jsonValue: JSONValue {
        func regional(_ value: RegionalValue) -> JSONValue {
            .compactObject([
                ("value", value.isWithheld ? nil : .integer(Int64(value.value))), ("status", .string(value.status.rawValue)),
                ("withheldBy", value.withheldBy.isEmpty ? nil : .array(value.withheldBy.map { .string($0.rawValue) })),
                ("withheldAtMost", value.withheldAtMost.map { .integer(Int64($0)) }),
            ])
        }
        return [
            "schema": .string(Self.schema), "node": .string(node.rawValue), "generatedAt": .string(generatedAt.description),
            "outcome": .string(reports.allSatisfy { $0.outcome == .complete } ? "complete" : "incomplete"),
            "reports": .array(
                reports.map { report in
                    [
                        "queryId": .string(report.query.queryID), "measure": .string(report.query.measure.rawValue),
                        "quarters": .array(report.query.quarters.map { .string($0.description) }), "outcome": .string(report.outcome.rawValue),
                        "seriesBreaks": .array(
                            report.seriesBreaks.map { authority, seriesBreak in
                                [
                                    "authority": .string(authority.rawValue), "date": .string(seriesBreak.date.description),
                                    "quarter": .string(seriesBreak.quarter.description), "note": .string(seriesBreak.note),
                                ]
                            }),
                        "authorities": .array(
                            report.results.map { peer, result in
                                switch result {
                                case .answered(let answer):
                                    ["name": .string(peer.rawValue), "state": "answered", "notes": .array(answer.notes.map(JSONValue.string))]
                                case .refused(let reason): ["name": .string(peer.rawValue), "state": "refused", "reason": .string(reason)]
                                case .noAnswer(let reason): ["name": .string(peer.rawValue), "state": "no-answer", "reason": .string(reason)]
                                }
                            }),
                        "tables": .array(
                            report.tables.map { table in
                                [
                                    "table": .string(table.labels.name), "rowDimension": .string(table.labels.rowDimension),
                                    "columnDimension": .string(table.labels.columnDimension), "rows": .array(table.labels.rows.map(JSONValue.string)),
                                    "columns": .array(table.labels.columns.map(JSONValue.string)),
                                    "region": [
                                        "cells": .array(table.cells.map { .array($0.map(regional)) }),
                                        "rowTotals": .array(table.rowTotals.map(regional)),
                                        "columnTotals": .array(table.columnTotals.map(regional)), "total": regional(table.total),
                                    ],
                                    "authorities": .array(
                                        table.authorities.compactMap { name, answer in
                                            answer.map { ["name": .string(name.rawValue), "table": $0.jsonValue] }
                                        }),
                                ]
                            }),
                    ]
                }),
        ]
    }
}
