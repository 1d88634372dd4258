import Modbus
import Simulation
import SiteConfig
import Testing
import Vocabulary

/// Loads with switched steps and seeded noise, and a meter that samples: deterministic under the
/// simulation's clock, whatever the steps it is advanced in.
struct LoadProfileTests {
    static let stepped = SiteProfile(
        load: 800, start: .seconds(12 * 3600), dayLength: .zero,
        loadSteps: [
            LoadStep(at: .seconds(10), power: 3000, duration: .seconds(20)), LoadStep(at: .seconds(40), power: -500),
        ],
        loadStepPeriod: .seconds(60))

    @Test func stepsSwitchOnAndOffAndRepeatWithTheirPeriod() {
        let profile = Self.stepped
        let at = { (seconds: Double) in profile.load(at: .milliseconds(Int64(seconds * 1000))) }
        #expect(at(0) == 800)
        #expect(at(9.999) == 800)
        #expect(at(10) == 3800)
        #expect(at(29.9) == 3800)
        #expect(at(30) == 800)
        #expect(at(45) == 300)  // a load switched off until the end of the period
        #expect(at(60) == 800)
        #expect(at(75) == 3800)  // the next period
        var once = profile
        once.loadStepPeriod = nil
        #expect(once.load(at: .seconds(75)) == 300)
    }

    @Test func noiseIsSeededHeldPerIntervalAndNormallySpread() {
        var profile = SiteProfile(load: 2000, loadNoise: 50, seed: 7)
        let samples = (0..<20_000).map { profile.noise(at: .seconds($0)) }
        #expect(samples == (0..<20_000).map { profile.noise(at: .seconds($0)) })  // the same again
        #expect(profile.noise(at: .milliseconds(3100)) == profile.noise(at: .milliseconds(3900)))  // held for a second
        #expect(samples.allSatisfy { abs($0) <= 150 })  // cut at three standard deviations
        let mean = samples.reduce(0, +) / Double(samples.count)
        let deviation = (samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)).squareRoot()
        #expect(abs(mean) < 2)
        #expect(abs(deviation - 50) < 2)
        #expect(Set(samples).count > 19_000)
        profile.seed = 8
        #expect((0..<100).map { profile.noise(at: .seconds($0)) } != Array(samples.prefix(100)))
        #expect(SiteProfile(load: 2000).noise(at: .seconds(5)) == 0)
    }

    @Test func theGridMeterShowsTheStepsAtTheirInstantsHoweverItIsStepped() throws {
        var profile = Self.stepped
        profile.loadNoise = 40
        func readings(maxStep: Duration) throws -> [Double] {
            let (loaded, _) = try Fixture.site(["grid"])
            let simulation = try SiteSimulation(
                site: loaded, options: .init(ports: .ephemeral, profile: profile, maxStep: maxStep))
            try simulation.start()
            defer { simulation.stop() }
            let meter = try Master(simulation, device: "grid", map: Fixture.map("generic-grid-meter.yaml"))
            return try [5, 12, 35, 45, 72].map { seconds in
                simulation.advance(to: .seconds(seconds))
                return try meter.read("active_power")
            }
        }
        let coarse = try readings(maxStep: .seconds(1))
        #expect(coarse == (try readings(maxStep: .milliseconds(100))))
        let expected = [5, 12, 35, 45, 72].map { profile.load(at: .seconds($0)) }
        #expect(zip(coarse, expected).allSatisfy { abs($0 - $1) <= 0.5 })  // an int32 of whole watts
        #expect(abs(coarse[1] - 3800) <= 120 && abs(coarse[3] - 300) <= 120)
    }

    @Test func theGridMeterPublishesASampleEvery200Milliseconds() throws {
        let (loaded, profile) = try Fixture.site(["grid"], load: 1000)
        let simulation = try SiteSimulation(
            site: loaded, options: .init(ports: .ephemeral, profile: profile, maxStep: .milliseconds(50)))
        try simulation.start()
        defer { simulation.stop() }
        let meter = try Master(simulation, device: "grid", map: Fixture.map("generic-grid-meter.yaml"))
        simulation.advance(by: .seconds(1))  // sampled at 1.0 s
        var actual = [simulation.balance.grid]
        var published: [Double] = []
        for _ in 0..<20 {
            simulation.stepLoad(by: 100)
            simulation.advance(by: .milliseconds(50))
            published.append(try meter.read("active_power"))
            actual.append(simulation.balance.grid)
        }
        // The balance moves at every 50 ms step; the register holds the 1.0 s sample until
        // 1.2 s, then takes one every fourth step.
        #expect(Set(actual).count == 21)
        #expect(published == (1...20).map { step in actual[step / 4 * 4] })
    }
}
