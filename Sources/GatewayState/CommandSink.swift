public import Control

/// Where upstream profiles and APIs send what a master asks for. Calls come from server
/// connection threads and return at once with the control core's verdict, so a refused write
/// can be answered with a Modbus exception and change nothing.
public protocol CommandSink: Sendable {
    /// Applies a command; the source's watchdog is refreshed when it is accepted.
    func submit(_ command: Command) -> Result<CommandReceipt, CommandRejection>
    /// Applies a command from `client` (an API client's `IP:port`, a push URL's host, the MQTT
    /// broker's host), which the audit journal records beside it. By default the same as
    /// `submit(_:)`, for sinks that record no clients.
    func submit(_ command: Command, client: String?) -> Result<CommandReceipt, CommandRejection>
    /// Refreshes a source's watchdog (a heartbeat write, or any write by that source).
    func refresh(_ source: SourceID)
    /// Ends what `source` holds on `target` (all targets when `nil`); the targets fall back.
    func release(_ source: SourceID, target: Target?)
    /// Replaces `source`'s schedules whole (`ControlCore.replaceSchedules`): a push response or
    /// the local API hands in the source's whole plan with `.allTargets`; an upstream profile
    /// hands in one target's list of slots with `.namedTargets`. Checked whole; a refused one
    /// changes nothing.
    func replaceSchedules(
        _ schedules: [Schedule], of source: SourceID, scope: Schedule.Scope
    ) -> Result<ScheduleReceipt, CommandRejection>
    /// The instant on the control core's clock, for commands issued now.
    func now() -> ControlInstant
}

extension CommandSink {
    public func submit(_ command: Command, client: String?) -> Result<CommandReceipt, CommandRejection> {
        submit(command)
    }
}
