public import Control

/// Where upstream profiles and APIs send what a master asks for. Calls come from server
/// connection threads and return at once with the control core's verdict, so a refused write
/// can be answered with a Modbus exception and change nothing.
public protocol CommandSink: Sendable {
    /// Applies a command; the source's watchdog is refreshed when it is accepted.
    func submit(_ command: Command) -> Result<CommandReceipt, CommandRejection>
    /// Refreshes a source's watchdog (a heartbeat write, or any write by that source).
    func refresh(_ source: SourceID)
    /// Ends what `source` holds on `target` (all targets when `nil`); the targets fall back.
    func release(_ source: SourceID, target: Target?)
    /// The instant on the control core's clock, for commands issued now.
    func now() -> ControlInstant
}
