import Testing
import VVEConfig
import VVECore

@Suite struct NodeConfigurationTests {
    func errors(_ text: String) -> [String] {
        do {
            _ = try NodeConfiguration.parse(text, file: "node.yaml")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func whatInitWritesParsesBack() throws {
        let configuration = NodeConfiguration(name: AuthorityName("tower-hamlets")!)
        #expect(try NodeConfiguration.parse(configuration.yaml, file: "node.yaml") == configuration)
        #expect(configuration.database == "vve.sqlite")
    }

    @Test func errorsPointAtTheLineAndSayTheFix() {
        #expect(
            errors("# comment\nname: Camden Council\n") == [
                "node.yaml:2: `name` is \"Camden Council\"; it must be 2-63 lowercase letters, digits or hyphens, starting with a letter (for example tower-hamlets)"
            ])
        #expect(errors("database: vve.sqlite\n") == ["node.yaml:1: `name` is missing: set it to the node's authority name, such as `name: camden`"])
        #expect(
            errors("name: camden\n\ndatabse: x.sqlite\n") == [
                "node.yaml:3: `databse` is not a known setting here (did you mean `database`?); known settings are `aggregate-tables-per-peer-per-day`, `ca-certificate`, `certificate`, `connections-per-address`, `database`, `disclosure-threshold`, `handshake-timeout-seconds`, `linkage-key`, `listen`, `lookup-contact`, `maximum-connections`, `metrics`, `name`, `operator-lookups-per-day`, `operator-lookups-per-minute`, `peer-lookups-per-day`, `peer-lookups-per-minute`, `private-key`, `refusal-audit-window-seconds`, `report-lag-days`, `report-tables-per-analyst-per-day`, `review-grace-days`, `rounding-base`, `series-breaks`, `tombstone-days`"
            ])
        #expect(errors("name: camden\nname: hackney\n") == ["node.yaml:1: `name` is given more than once; keep one"])
        #expect(errors("\nname:\n  - camden\n") == ["node.yaml:2: `name` must be a single value, not a list or mapping"])
    }

    @Test func brokenYAMLAndEmptyFilesAreExplained() {
        let broken = errors("name: camden\ndatabase: [vve.sqlite\n")
        // Reported where the list opens, not where the parser gave up.
        #expect(broken == ["node.yaml:2: is not valid YAML: a `[` list that is not closed; end it with `]` on the line it opens"])
        #expect(errors("") == ["node.yaml: is empty; see docs/guide/configuration.md for the keys it needs"])
        #expect(errors("- camden\n") == ["node.yaml:1: must be a mapping of `key: value` lines"])
    }
}

extension NodeConfigurationTests {
    @Test func seriesBreaksAreReadByMeasureInDateOrderAndWrittenBack() throws {
        let text = """
            name: met-police
            series-breaks:
              - measure: missing-episodes
                date: 2025-04-01
                note: "Police recording changed: every absence is now recorded as missing."
              - measure: missing-episodes
                date: 2024-01-15
                note: A new \"missing\" definition.
              - measure: return-interviews
                date: 2025-10-01
                note: Interviews commissioned from a new provider.

            """
        let configuration = try NodeConfiguration.parse(text, file: "node.yaml")
        #expect(configuration.seriesBreaks[.missingEpisodes]?.map(\.date.description) == ["2024-01-15", "2025-04-01"])
        #expect(configuration.seriesBreaks[.missingEpisodes]?.last?.note == "Police recording changed: every absence is now recorded as missing.")
        #expect(configuration.seriesBreaks[.returnInterviews]?.map(\.note) == ["Interviews commissioned from a new provider."])
        #expect(try NodeConfiguration.parse(configuration.yaml, file: "node.yaml") == configuration)
        #expect(try NodeConfiguration.parse("name: camden\n", file: "node.yaml").seriesBreaks.isEmpty)
    }

    @Test func theMetricsListenerIsOffUnlessAnAddressIsGiven() throws {
        #expect(try NodeConfiguration.parse("name: camden\n", file: "node.yaml").metrics == nil)
        let configured = try NodeConfiguration.parse("name: camden\nmetrics: 127.0.0.1:9464\n", file: "node.yaml")
        #expect(configured.metrics == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(try NodeConfiguration.parse(configured.yaml, file: "node.yaml") == configured)
        #expect(errors("name: camden\nmetrics: 9464\n") == ["node.yaml:2: `metrics` is \"9464\"; it must be HOST:PORT, such as 127.0.0.1:9464"])
    }

    @Test func aSeriesBreakNamesItsLineAndTheFix() {
        let breaks = { (items: String) in self.errors("name: met-police\nseries-breaks:\n" + items) }
        #expect(
            breaks("  - measure: known-in-several-areas\n    date: 2025-04-01\n    note: x\n") == [
                "node.yaml:3: `measure` is \"known-in-several-areas\"; it must be a measure counted by quarter: relocations, relocation-briefing, county-lines, perpetrators, missing-episodes, return-interviews"
            ])
        #expect(
            breaks("  - measure: missing-episodes\n    date: 2025-02-30\n    note: x\n") == [
                "node.yaml:4: `date` is \"2025-02-30\"; it must be a date as YYYY-MM-DD, such as 2025-04-01"
            ])
        #expect(
            breaks("  - measure: missing-episodes\n    date: 2025-04-01\n") == [
                "node.yaml:3: `note` is missing: say what changed, in one sentence"
            ])
        #expect(
            breaks("  - measure: missing-episodes\n    date: 2025-04-01\n    note: \"\"\n") == [
                "node.yaml:5: `note` must be one sentence of 1-200 printable characters on one line"
            ])
        #expect(
            breaks("  - measure: missing-episodes\n    date: 2025-04-01\n    note: a\n    when: now\n").first?.hasPrefix(
                "node.yaml:6: `when` is not a known setting here") == true)
        #expect(
            breaks(
                "  - measure: missing-episodes\n    date: 2025-04-01\n    note: a\n  - measure: missing-episodes\n    date: 2025-04-01\n    note: b\n"
            )
                == ["node.yaml:7: `series-breaks`: missing-episodes already breaks on 2025-04-01; give one break a day, with one note"])
        #expect(
            breaks("  missing-episodes: 2025-04-01\n") == [
                "node.yaml:2: `series-breaks` must be a list of breaks, each with `measure`, `date` and `note`; see docs/guide/configuration.md"
            ])
    }

    @Test func retentionSettingsHaveDefaultsAndBounds() throws {
        let defaults = try NodeConfiguration.parse("name: camden\n", file: "node.yaml")
        #expect(defaults.reviewGraceDays == 30 && defaults.tombstoneDays == 90)
        let set = try NodeConfiguration.parse("name: camden\nreview-grace-days: 0\ntombstone-days: 365\n", file: "node.yaml")
        #expect(set.reviewGraceDays == 0 && set.tombstoneDays == 365)
        #expect(
            errors("name: camden\ntombstone-days: 0\n") == [
                "node.yaml:2: `tombstone-days` is \"0\"; it must be a whole number of days from 1 to 3650, such as 90"
            ])
        #expect(
            errors("name: camden\nreview-grace-days: a month\n") == [
                "node.yaml:2: `review-grace-days` is \"a month\"; it must be a whole number of days from 0 to 3650, such as 30"
            ])
        // What `vve init` writes reads back the same.
        #expect(try NodeConfiguration.parse(set.yaml, file: "node.yaml") == set)
    }
}

extension NodeConfigurationTests {
    @Test func disclosureRulesMayBeStricterThanTheFloorNeverLooser() throws {
        let defaults = try NodeConfiguration.parse("name: camden\n", file: "node.yaml")
        #expect(defaults.disclosure == .floor && defaults.reportLagDays == 14)
        let stricter = try NodeConfiguration.parse(
            "name: camden\ndisclosure-threshold: 10\nrounding-base: 10\nreport-lag-days: 30\n", file: "node.yaml")
        #expect(stricter.disclosure == (try DisclosureRules.make(threshold: 10, roundingBase: 10).get()) && stricter.reportLagDays == 30)
        #expect(
            errors("name: camden\ndisclosure-threshold: 5\n") == [
                "node.yaml:2: `disclosure-threshold` is \"5\"; it must be a whole number from 8 to 1000; counts below it are suppressed"
            ])
        #expect(
            errors("name: camden\nrounding-base: 1\n") == [
                "node.yaml:2: `rounding-base` is \"1\"; it must be a whole number of at least 5; released counts are multiples of it"
            ])
        #expect(
            errors("name: camden\ndisclosure-threshold: 10\nrounding-base: 20\n") == [
                "node.yaml:3: `rounding-base`: a rounding base of 20 is not allowed; it must be 5 to the threshold, 10"
            ])
        #expect(
            errors("name: camden\nreport-lag-days: -1\n") == [
                "node.yaml:2: `report-lag-days` is \"-1\"; it must be a whole number of days from 0 to 365, such as 14"
            ])
    }
}
