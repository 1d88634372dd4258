import Foundation
import Vocabulary
import Yams

extension SiteDecoder {
    /// `weekly_schedule: [{days: [mon, tue, wed, thu, fri], from: "17:00", to: "20:00", mode:
    /// GRID_LIMIT, maxImport: 5 kW}]`: each entry a fallback-style mode (an optional target, the
    /// mode, its parameters) with its days and local times; two entries on one target must not
    /// overlap.
    func decodeWeeklySchedule(_ reader: MappingReader, devices: [DeviceConfig]) -> [WeeklySlot] {
        guard let items = reader.list("weekly_schedule", expected: "a list of {days, from, to, mode} entries") else {
            return []
        }
        var slots: [Located<WeeklySlot>] = []
        for item in items {
            guard
                let entry = MappingReader(
                    item, file: file, sink: sink, context: "a weekly_schedule entry",
                    expected: "{days: [mon, …], from: \"17:00\", to: \"20:00\", mode: …}")
            else { continue }
            let days = decodeDays(entry)
            let from = decodeTime(entry, "from", allowsEndOfDay: false)
            let to = decodeTime(entry, "to", allowsEndOfDay: true)
            let mode = decodeFallbackMapping(
                item, devices: devices, extraKeys: ["days", "from", "to"], what: "weekly_schedule entry")
            guard let days, let from, let to, let mode else { continue }
            if from == to {
                sink.error(entry.location, "to: found the same time as from, expected a slot of some length")
                continue
            }
            slots.append(
                Located(value: WeeklySlot(days: days, from: from, to: to, mode: mode.value), location: mode.location))
        }
        checkOverlaps(slots)
        return slots.map(\.value)
    }

    private func decodeDays(_ entry: MappingReader) -> Set<WeeklySlot.Weekday>? {
        let expected = "a list of days: mon, tue, wed, thu, fri, sat, sun"
        guard let items = entry.list("days", required: true, expected: expected) else { return nil }
        var days: Set<WeeklySlot.Weekday> = []
        for item in items {
            guard let name = item.scalar?.string, let day = WeeklySlot.Weekday(rawValue: name.lowercased()) else {
                sink.error(
                    item.location(in: file), "days: found \(item.found), expected mon, tue, wed, thu, fri, sat or sun")
                return nil
            }
            days.insert(day)
        }
        guard !days.isEmpty else {
            entry.missing("days", expected)
            return nil
        }
        return days
    }

    /// `"HH:MM"` as minutes after midnight; `"24:00"` only where `allowsEndOfDay`.
    private func decodeTime(_ entry: MappingReader, _ key: String, allowsEndOfDay: Bool) -> Int? {
        let expected = "a local time \"HH:MM\"\(allowsEndOfDay ? " (up to \"24:00\")" : "")"
        guard let text = entry.string(key, required: true, expected: expected) else { return nil }
        let parts = text.value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0..<60).contains(minutes), (0...24).contains(hours),
            hours < 24 || (allowsEndOfDay && minutes == 0)
        else {
            sink.error(text.location, "\(key): found \"\(text.value)\", expected \(expected)")
            return nil
        }
        return hours * 60 + minutes
    }

    /// Two entries on one target whose slots overlap in some week are an error at the second.
    private func checkOverlaps(_ slots: [Located<WeeklySlot>]) {
        // A week of any time zone without a change: the overlaps are the same in every week.
        let monday = Date(timeIntervalSince1970: 4 * 86_400)
        let utc = TimeZone(identifier: "UTC")!
        for (index, slot) in slots.enumerated() {
            for earlier in slots[..<index] where earlier.value.mode.target == slot.value.mode.target {
                let range = (monday, monday.addingTimeInterval(8 * 86_400))
                let mine = slot.value.occurrences(from: range.0, to: range.1, in: utc)
                let theirs = earlier.value.occurrences(from: range.0, to: range.1, in: utc)
                if mine.contains(where: { a in theirs.contains { b in a.start < b.end && b.start < a.end } }) {
                    sink.error(
                        slot.location,
                        "weekly_schedule: found an entry on \(slot.value.mode.target) that overlaps the one at line \(earlier.location.line), expected entries on one target at different times"
                    )
                    break
                }
            }
        }
    }
}
