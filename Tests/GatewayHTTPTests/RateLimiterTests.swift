import GatewayHTTP
import Testing

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test func admitsTheLimitThenAsksToWaitForTheWindow() {
        var limiter = RateLimiter.cleverPV
        for second in 0..<180 {
            #expect(limiter.admit(at: .milliseconds(second * 100)) == nil)
        }
        #expect(limiter.admit(at: .seconds(30)) == .seconds(30))
        #expect(limiter.admit(at: .seconds(59)) == .seconds(1))
        #expect(limiter.admit(at: .seconds(60)) == nil)
    }

    @Test func neverMoreThanTheLimitInAnyWindow() {
        var limiter = RateLimiter(requests: 5, per: .seconds(1))
        var admitted: [Duration] = []
        // A caller asking every 70 ms for 10 s, and waiting when told to.
        var now = Duration.zero
        while now < .seconds(10) {
            if let wait = limiter.admit(at: now) {
                now += wait
            } else {
                admitted.append(now)
                now += .milliseconds(70)
            }
        }
        for index in admitted.indices.dropLast(5) {
            #expect(admitted[index + 5] - admitted[index] >= .seconds(1))
        }
        #expect(admitted.count >= 45)
    }
}
