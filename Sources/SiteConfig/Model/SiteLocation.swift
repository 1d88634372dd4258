public import Foundation

/// Where the site is (the site file's `location: {latitude, longitude}`), and when the sun rises
/// and sets there: the NOAA solar calculator's equations (Meeus, "Astronomical Algorithms"),
/// good to about a minute between the polar circles, with the standard 0.833° for refraction
/// and the sun's radius.
public struct SiteLocation: Sendable, Hashable {
    /// Degrees north (−90…90).
    public var latitude: Double
    /// Degrees east (−180…180).
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Sunrise or sunset.
    public enum SunEvent: String, Sendable, Hashable, CaseIterable {
        case sunrise
        case sunset
    }

    /// The first `event` after `date`, looking a week ahead; `nil` in a polar day or night.
    public func next(_ event: SunEvent, after date: Date) -> Date? {
        let day = (date.timeIntervalSince1970 / 86_400).rounded(.down)
        for offset in -1...7 {
            if let time = self.time(of: event, onUTCDay: day + Double(offset)), time > date { return time }
        }
        return nil
    }

    /// `event` on the UTC day `day` (days since 1970-01-01); `nil` when the sun does not rise or
    /// set that day.
    public func time(of event: SunEvent, onUTCDay day: Double) -> Date? {
        // Solved twice: the second time with the sun's position at the first estimate.
        var minutes = 720.0
        for _ in 0..<2 {
            let instant = day * 86_400 + minutes * 60
            guard let estimate = Self.eventMinutes(event, at: instant, latitude: latitude, longitude: longitude)
            else { return nil }
            minutes = estimate
        }
        return Date(timeIntervalSince1970: day * 86_400 + minutes * 60)
    }

    /// Minutes after the UTC midnight of `instant`'s day at which `event` happens, with the sun
    /// taken where it is at `instant` (Unix seconds).
    private static func eventMinutes(
        _ event: SunEvent, at instant: Double, latitude: Double, longitude: Double
    ) -> Double? {
        let radians = Double.pi / 180
        let julianCentury = (instant / 86_400 + 2_440_587.5 - 2_451_545) / 36_525
        let t = julianCentury
        let meanLongitude = (280.46646 + t * (36_000.76983 + t * 0.0003032)).truncatingRemainder(dividingBy: 360)
        let meanAnomaly = 357.52911 + t * (35_999.05029 - 0.0001537 * t)
        let eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
        let m = meanAnomaly * radians
        let center =
            sin(m) * (1.914602 - t * (0.004817 + 0.000014 * t)) + sin(2 * m) * (0.019993 - 0.000101 * t)
            + sin(3 * m) * 0.000289
        let omega = (125.04 - 1934.136 * t) * radians
        let apparentLongitude = (meanLongitude + center - 0.00569 - 0.00478 * sin(omega)) * radians
        let meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60
        let obliquity = (meanObliquity + 0.00256 * cos(omega)) * radians
        let declination = asin(sin(obliquity) * sin(apparentLongitude))
        let y = pow(tan(obliquity / 2), 2)
        let l0 = meanLongitude * radians
        let equationOfTime =
            4 / radians
            * (y * sin(2 * l0) - 2 * eccentricity * sin(m) + 4 * eccentricity * y * sin(m) * cos(2 * l0)
                - 0.5 * y * y * sin(4 * l0) - 1.25 * eccentricity * eccentricity * sin(2 * m))
        let phi = latitude * radians
        let cosHourAngle = cos(90.833 * radians) / (cos(phi) * cos(declination)) - tan(phi) * tan(declination)
        guard (-1...1).contains(cosHourAngle) else { return nil }
        let hourAngle = acos(cosHourAngle) / radians
        let noon = 720 - 4 * longitude - equationOfTime
        return event == .sunrise ? noon - 4 * hourAngle : noon + 4 * hourAngle
    }
}
