extension DeviceMap {
    /// `values` (the points read, by name) with the value of every computed point that can be
    /// worked out from them added.
    public func addingComputedPoints(to values: [String: Double]) -> [String: Double] {
        var result = values
        for point in computed {
            result[point.name] = point.evaluate(points: values, constants: constants)
        }
        return result
    }
}
