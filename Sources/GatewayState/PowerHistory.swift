public import Foundation
import Synchronization

/// The site's power flows over the last hour (or `span`), one sample per snapshot recorded, kept
/// in a fixed ring in memory: the status page's chart. The oldest sample gives way to the newest
/// once the ring is full, so its size never grows.
public final class PowerHistory: Sendable {
    /// The flows of one snapshot, W, in busbar's signs: grid + import, PV ≥ 0, ESS + discharge,
    /// EV + charging. `nil` where nothing online reports it.
    public struct Sample: Codable, Sendable, Hashable {
        public var time: Date
        public var grid: Double?
        public var pv: Double?
        public var ess: Double?
        public var ev: Double?

        public init(time: Date, grid: Double?, pv: Double?, ess: Double?, ev: Double?) {
            self.time = time
            self.grid = grid
            self.pv = pv
            self.ess = ess
            self.ev = ev
        }

        /// The flows of `snapshot`, taken at `time`.
        public init(_ snapshot: GatewaySnapshot, at time: Date) {
            let batteries = snapshot.batteries.contains(where: \.online)
            let chargepoints = snapshot.chargepoints.contains(where: \.online)
            self.init(
                time: time, grid: snapshot.gridPower, pv: snapshot.productionActivePower,
                ess: batteries ? snapshot.essActivePower : nil, ev: chargepoints ? snapshot.evcsActivePower : nil)
        }
    }

    /// How far back the history reaches.
    public let span: Duration
    /// The time between samples it is sized for.
    public let interval: Duration
    /// How many samples it holds at most: `span / interval`.
    public let capacity: Int
    private let ring: Mutex<Ring>

    /// A history of `span`, sized for one sample every `interval`.
    public init(span: Duration = .seconds(3600), interval: Duration = .seconds(5)) {
        self.span = span
        self.interval = interval
        capacity = max(1, Int((span / interval).rounded(.up)))
        ring = Mutex(Ring(capacity: capacity))
    }

    /// Keeps `snapshot`'s flows as the newest sample, taken at `time`.
    public func record(_ snapshot: GatewaySnapshot, at time: Date) {
        record(Sample(snapshot, at: time))
    }

    /// Keeps `sample` as the newest one.
    public func record(_ sample: Sample) {
        ring.withLock { $0.append(sample) }
    }

    /// The samples held, oldest first, without those older than `span` before the newest.
    public var samples: [Sample] {
        let held = ring.withLock { $0.inOrder }
        guard let newest = held.last?.time else { return [] }
        let oldest = newest.addingTimeInterval(-Double(span.components.seconds))
        return held.filter { $0.time >= oldest }
    }

    /// A fixed array written round, with the index of the next slot to write.
    private struct Ring {
        var storage: [Sample] = []
        var next = 0
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            storage.reserveCapacity(capacity)
        }

        mutating func append(_ sample: Sample) {
            if storage.count < capacity {
                storage.append(sample)
            } else {
                storage[next] = sample
            }
            next = (next + 1) % capacity
        }

        var inOrder: [Sample] {
            storage.count < capacity ? storage : Array(storage[next...] + storage[..<next])
        }
    }
}
