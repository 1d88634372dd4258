/// What commissioning found out about one device of the site.
public struct DeviceCommissioning: Sendable, Encodable {
    /// A point as read, for the report.
    public struct ReadPoint: Sendable, Encodable, Hashable {
        public var name: String
        /// `holding 1210`, `input 30775 unit 227`, or `computed`.
        public var register: String
        /// `54.2 %`, `charging`, `n/a`, or why it could not be read.
        public var shown: String
        public var verdict: Verdict
    }

    public var id: String
    public var kind: String
    public var map: String
    public var endpoint: String
    public var unit: Int
    /// The mean round-trip time of the survey's requests in milliseconds; nil when the device did
    /// not answer.
    public var roundTripMilliseconds: Double? = nil
    /// Requests per poll cycle of the read plan.
    public var requestsPerCycle: Int
    /// The identity texts the device reported (model, serial number, firmware).
    public var identity: [String: String]
    public var points: [ReadPoint]
    public var checks: [CommissionCheck] { didSet { verdict = Verdict.worst(checks.map(\.verdict)) } }
    /// The worst of the checks'.
    public private(set) var verdict = Verdict.pass

    init(id: String, kind: String, map: String, endpoint: String, unit: Int, requestsPerCycle: Int) {
        self.id = id
        self.kind = kind
        self.map = map
        self.endpoint = endpoint
        self.unit = unit
        self.requestsPerCycle = requestsPerCycle
        self.identity = [:]
        self.points = []
        self.checks = []
    }
}
