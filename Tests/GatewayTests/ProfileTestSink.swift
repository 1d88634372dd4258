import Control
import Gateway
import GatewayState

/// A command sink the profile tests record with. The profiles under test hand in no schedules;
/// one would be taken as it came.
protocol ProfileTestSink: CommandSink {}

extension ProfileTestSink {
    func replaceSchedules(
        _ schedules: [Schedule], of source: SourceID, scope: Schedule.Scope
    ) -> Result<ScheduleReceipt, CommandRejection> {
        .success(
            ScheduleReceipt(
                slots: schedules.map(\.slots.count).reduce(0, +), past: 0, replaced: schedules.map(\.target)))
    }
}
