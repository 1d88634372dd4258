public import Control
public import Foundation
public import Gateway
public import GatewayState
public import Logging
import Synchronization
import Vocabulary

/// One HTTP command source (`cloud` or `local`): checks its requests, hands the commands and
/// the schedule to the sink (the control core keeps the schedule and runs each slot at its
/// boundary), and remembers what it refused so the next document can report it. Requests are
/// applied one at a time, in order.
public final class ControlSession: Sendable {
    /// The source its commands come from.
    public let source: SourceID
    /// At most this many refusals are kept for the next report; older ones are dropped.
    package static let rejectionMemory = 50

    private let sink: any CommandSink
    private let snapshot: @Sendable () -> GatewaySnapshot
    private let wallClock: @Sendable () -> Date
    private let allowedTargets: Set<Target>?
    private let maximumBodySize: Int
    private let logger: Logger
    private let client: String?
    private let state = Mutex(State())

    private struct State {
        /// Refusals not yet reported, each with its number in the order they came.
        var rejections: [(number: Int, rejection: RejectedControlMode)] = []
        var nextNumber = 0

        mutating func remember(_ new: [RejectedControlMode]) {
            for rejection in new {
                rejections.append((nextNumber, rejection))
                nextNumber += 1
            }
            rejections.removeFirst(max(0, rejections.count - ControlSession.rejectionMemory))
        }
    }

    /// `client` is whom the session's commands come from, for the audit journal (a push URL's
    /// host, the MQTT broker's host); a request may name its own (a local API client's address).
    public init(
        source: SourceID, sink: any CommandSink, snapshot: @escaping @Sendable () -> GatewaySnapshot,
        allowedTargets: Set<Target>? = nil, maximumBodySize: Int = ControlRequestDecoder.defaultMaximumBodySize,
        logger: Logger, wallClock: @escaping @Sendable () -> Date = { Date() }, client: String? = nil
    ) {
        self.client = client
        self.source = source
        self.sink = sink
        self.snapshot = snapshot
        self.allowedTargets = allowedTargets
        self.maximumBodySize = maximumBodySize
        self.logger = logger
        self.wallClock = wallClock
    }

    /// Now on both clocks.
    public func now() -> TimeBase { TimeBase(wall: wallClock(), control: sink.now()) }

    /// Checks `body` against the site as it is now and applies it whole, or refuses it whole
    /// (and remembers why); its commands are from `client`, else from the session's.
    public func handle(body: some Collection<UInt8>, client: String? = nil) -> Result<
        ControlOutcome, ControlRequestError
    > {
        let decoder = ControlRequestDecoder(
            snapshot: snapshot(), allowedTargets: allowedTargets, maximumBodySize: maximumBodySize)
        switch decoder.decode(body, now: wallClock()) {
        case .success(let request):
            return .success(apply(request, client: client))
        case .failure(let error):
            reject(error)
            return .failure(error)
        }
    }

    /// Remembers a refused request for the next report.
    public func reject(_ error: ControlRequestError) {
        let at = wallClock()
        logger.warning(
            "control request refused", metadata: ["source": "\(source)", "reason": "\(error)"])
        remember(error.problems.map { RejectedControlMode($0, at: at) })
    }

    /// Applies a checked request: its changes now, and its schedule in place of the source's
    /// old one (on every target).
    @discardableResult
    public func apply(_ request: ControlRequest, client: String? = nil) -> ControlOutcome {
        state.withLock { state in
            let time = now()
            var outcome = apply(request.changes, at: time, client: client ?? self.client)
            if let slots = request.schedule {
                let schedules = ScheduleSlot.schedules(slots, from: source, at: time)
                switch sink.replaceSchedules(schedules, of: source, scope: .allTargets) {
                case .success(let receipt):
                    outcome.scheduledSlots = receipt.slots
                case .failure(let rejection):
                    outcome.rejected.append(
                        RejectedControlMode(at: time.wall, target: nil, path: "schedule", reason: rejection.description)
                    )
                }
            }
            state.remember(outcome.rejected)
            return outcome
        }
    }

    /// The refusals not yet reported, oldest first.
    package var pendingRejections: [RejectedControlMode] { pendingReport.rejections }

    /// The refusals not yet reported, to hand to `removeReported(_:)` once delivered.
    package var pendingReport: RejectionReport {
        state.withLock { state in
            RejectionReport(rejections: state.rejections.map(\.rejection), through: state.nextNumber)
        }
    }

    /// Forgets the refusals a delivered report carried; later ones stay for the next report.
    package func removeReported(_ report: RejectionReport) {
        state.withLock { $0.rejections.removeAll { $0.number < report.through } }
    }

    private func remember(_ rejections: [RejectedControlMode]) {
        state.withLock { $0.remember(rejections) }
    }

    private func apply(_ changes: [ModeChange], at time: TimeBase, client: String?) -> ControlOutcome {
        var outcome = ControlOutcome()
        for change in changes {
            guard let command = change.command(from: source, at: time) else {
                sink.release(source, target: change.target)
                outcome.released.append(change.target.apiKey)
                continue
            }
            switch sink.submit(command, client: client) {
            case .success(let receipt):
                outcome.accepted.append(ActiveControlMode(command, receipt: receipt, at: time))
            case .failure(let rejection):
                logger.warning(
                    "command refused by the control core",
                    metadata: ["source": "\(source)", "command": "\(command)", "reason": "\(rejection)"])
                outcome.rejected.append(
                    RejectedControlMode(
                        at: time.wall, target: change.target.apiKey, path: "", reason: rejection.description))
            }
        }
        return outcome
    }
}

/// The refusals one document reports.
public struct RejectionReport: Sendable, Hashable {
    /// Oldest first.
    public var rejections: [RejectedControlMode]
    /// Marks the end of the report: refusals remembered later are not part of it.
    var through: Int
}

/// What applying a request did.
public struct ControlOutcome: Codable, Sendable, Hashable {
    /// The commands the control core took, with when they end unless repeated.
    public var accepted: [ActiveControlMode] = []
    /// The targets whose command from this source ended.
    public var released: [String] = []
    /// What the control core refused.
    public var rejected: [RejectedControlMode] = []
    /// The slots the control core holds from the request's schedule (none without one).
    package var scheduledSlots = 0

    public init() {}

    mutating func merge(_ other: ControlOutcome) {
        accepted += other.accepted
        released += other.released
        rejected += other.rejected
    }
}

extension ActiveControlMode {
    /// The entry for a command the control core just accepted.
    init(_ command: Command, receipt: CommandReceipt, at time: TimeBase) {
        let left = time.control.duration(to: receipt.expiresAt)
        self.init(
            target: command.target.apiKey, mode: command.mode.kind.name,
            parameters: command.mode.parameterValues.apiFields,
            source: command.source.rawValue, until: time.date(at: receipt.expiresAt),
            secondsLeft: Int(left.seconds.rounded(.up)))
    }
}
