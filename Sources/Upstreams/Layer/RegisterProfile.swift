public import Control
public import GatewayState
public import Modbus

/// An upstream profile as data and two functions: a table, the value of each field for a
/// snapshot, and what a whole write means. ``ProfileHandler`` serves any of them; a profile
/// never parses a request itself.
public protocol RegisterProfile: Sendable {
    /// What a field stands for, in the profile's own words.
    associatedtype Point: Hashable & Sendable
    /// What the profile keeps between requests beside the snapshot (staged parameters, the
    /// instant of the last write); part of what a read renders.
    associatedtype State: Hashable & Sendable

    var table: ProfileTable<Point> { get }
    var policy: ProfilePolicy { get }
    /// The state before the first write.
    var initialState: State { get }

    /// What `field` shows for `snapshot`; `nil` is unknown (the field's unknown pattern).
    func value(of field: RegisterField<Point>, snapshot: GatewaySnapshot, state: State) -> FieldValue?

    /// What a request's complete values do: commands, refreshes and releases handed to `sink`.
    /// - Returns: the state after the write.
    /// - Throws: the exception that refuses the write; the profile must then have sent nothing.
    func interpret(
        _ writes: [FieldWrite<Point>], state: State, snapshot: GatewaySnapshot, sink: any CommandSink
    ) throws(ProfileRefusal) -> State

    /// Ends what timed out at `now` (an API timeout), before each request and on `tick()`.
    /// - Returns: the state after it, or `nil` when nothing ran out (half-written values stay).
    func expire(_ state: State, now: ControlInstant, sink: any CommandSink) -> State?
}

extension RegisterProfile {
    public func expire(_ state: State, now: ControlInstant, sink: any CommandSink) -> State? { nil }
}

/// One field whose words a write completed, with the number they hold.
public struct FieldWrite<Point: Hashable & Sendable>: Sendable, Hashable {
    public var field: RegisterField<Point>
    public var value: Double

    package init(field: RegisterField<Point>, value: Double) {
        self.field = field
        self.value = value
    }
}

/// A write or read refused with a Modbus exception; nothing was changed.
public struct ProfileRefusal: Error, Sendable, Hashable {
    public var code: ExceptionCode
    public init(_ code: ExceptionCode) { self.code = code }
}

extension ProfileRefusal {
    /// The answer to the control core's refusal of a command: 0x04 when the gateway is
    /// misconfigured (the profile's source or a device unknown to the core), 0x03 for a mode or
    /// value the core cannot carry out.
    public init(_ rejection: CommandRejection) {
        switch rejection {
        case .unknownSource, .unknownDevice: self.init(.serverDeviceFailure)
        case .modeNotForTarget, .parameterMissing, .parameterOutOfRange, .endNotInFuture,
            .scheduleTooLong, .slotEmpty, .slotsOverlap, .scheduleOfOtherSource, .scheduleTwice:
            self.init(.illegalDataValue)
        }
    }
}

/// How a profile answers what is not a plain read or write of its fields. The differences
/// between profiles are settings here, not code of their own.
public struct ProfilePolicy: Sendable, Hashable {
    /// The answer to a request for another unit id.
    public var otherUnit: ExceptionCode
    /// Refuse requests with 0x06 (busy) while the gateway has no snapshot or no decision yet:
    /// for masters that take a wrong first answer as a permanent fault.
    public var busyUntilDecided: Bool
    /// The most registers one FC3/FC4 read may ask for.
    public var maxReadRegisters: Int
    /// What a word no field covers reads as.
    public var gapWord: UInt16
    /// Reads may run past the table's end (the words there read as `gapWord`); otherwise 0x02.
    public var readsPastEnd: Bool
    /// A read that starts or ends inside a multi-word field gets the words it covers; otherwise
    /// those words read as `gapWord` (OpenEMS serves only whole records).
    public var servesCutFields: Bool
    /// A read of more than `maxReadRegisters` gets this exception from the profile (the server
    /// lets one more register through); `nil` leaves such reads to the server's 0x03.
    public var longReadException: ExceptionCode?
    /// FC1/FC2 read zeros instead of getting 0x01.
    public var bitReadsAsZero: Bool
    /// A write that covers part of a multi-word field: `nil` keeps the words until the rest
    /// arrives (in this request or a later one); otherwise the write is refused with this code.
    public var partialWrite: ExceptionCode?
    /// FC6 to a multi-word field: refused with this code; `nil` treats it as a partial write.
    public var singleWriteToWideField: ExceptionCode?

    public init(
        otherUnit: ExceptionCode, busyUntilDecided: Bool, maxReadRegisters: Int = ModbusLimits.maxReadRegisters,
        gapWord: UInt16, readsPastEnd: Bool, servesCutFields: Bool, longReadException: ExceptionCode? = nil,
        bitReadsAsZero: Bool,
        partialWrite: ExceptionCode?, singleWriteToWideField: ExceptionCode?
    ) {
        self.otherUnit = otherUnit
        self.busyUntilDecided = busyUntilDecided
        self.maxReadRegisters = maxReadRegisters
        self.gapWord = gapWord
        self.readsPastEnd = readsPastEnd
        self.servesCutFields = servesCutFields
        self.longReadException = longReadException
        self.bitReadsAsZero = bitReadsAsZero
        self.partialWrite = partialWrite
        self.singleWriteToWideField = singleWriteToWideField
    }
}
