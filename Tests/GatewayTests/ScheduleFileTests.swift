import Control
import Foundation
import Gateway
import Testing
import Vocabulary

@Suite struct ScheduleFileTests {
    private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-state-\(UUID())")

    private var file: ScheduleFile { ScheduleFile(path: folder.appendingPathComponent("state.json").path) }

    private let schedules = [
        Schedule(
            source: "cloud", target: .essCluster,
            slots: [
                Schedule.Slot(start: .seconds(100), end: .seconds(1000), mode: .ess(.gridSetpoint(gridPower: -1000))),
                Schedule.Slot(
                    start: .seconds(1000), end: .seconds(1900), mode: .ess(.gridLimit(maxImport: 5000, maxExport: 800))),
            ]),
        Schedule(
            source: "local", target: .device("evse1"),
            slots: [Schedule.Slot(start: .seconds(50), end: .seconds(950), mode: .chargepoint(.limit(current: 10)))]),
    ]

    @Test func schedulesSurviveARestartOnTheWallClock() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let wall = Date(timeIntervalSince1970: 1_777_636_800)
        try file.save(schedules, at: TimeBase(wall: wall, control: .seconds(10)))
        // The next process: its control clock starts anew, 30 s of wall time later.
        let restored = try file.load(at: TimeBase(wall: wall.addingTimeInterval(30), control: .seconds(2)))
        let shifted = schedules.map { schedule in
            Schedule(
                source: schedule.source, target: schedule.target,
                slots: schedule.slots.map {
                    Schedule.Slot(start: $0.start - .seconds(38), end: $0.end - .seconds(38), mode: $0.mode)
                })
        }
        #expect(restored == shifted)
        // Written whole by a rename: nothing but the file itself is left in the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["state.json"])
    }

    @Test func noFileYetMeansNoSchedules() throws {
        #expect(try file.load(at: TimeBase(wall: Date(), control: .epoch)).isEmpty)
    }

    @Test func aDamagedFileIsAnErrorNotAnInventedSchedule() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let text =
            #"{"version": 1, "schedules": [{"source": "cloud", "target": "ess", "slots": [{"start": "2026-05-01T12:00:00Z", "end": "2026-05-01T12:15:00Z", "mode": "WARP", "parameters": {}}]}]}"#
        try Data(text.utf8).write(to: URL(fileURLWithPath: file.path))
        #expect(throws: ScheduleFile.Damaged.self) { try file.load(at: TimeBase(wall: Date(), control: .epoch)) }
        try Data("{half".utf8).write(to: URL(fileURLWithPath: file.path))
        #expect(throws: (any Error).self) { try file.load(at: TimeBase(wall: Date(), control: .epoch)) }
    }
}
