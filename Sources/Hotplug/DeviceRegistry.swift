/// What subscribers have been told is attached, and the changes waiting out the debounce.
///
/// Every event goes through here, which is what makes the stream exact: an `add` for a
/// device already reported (seen at coldplug and again in an early uevent) says nothing,
/// a `remove` of a device never reported says nothing, and a device replaced at the same
/// syspath (new address) is reported as removed, then added.
///
/// Debounce: a change waits until its device has been quiet for `debounce`; then only the
/// difference between what was reported and the device's last state is said. With a zero
/// debounce every change is said at once, in arrival order.
struct DeviceRegistry {
    typealias Instant = ContinuousClock.Instant

    private(set) var reported: [String: DeviceClassifier.Result] = [:]
    private var pending: [String: (target: DeviceClassifier.Result?, due: Instant, order: Int)] = [:]
    private var arrivals = 0
    let debounce: Duration

    init(debounce: Duration) {
        self.debounce = debounce
    }

    /// A device's new state (`nil`: gone, or not ours). Returns what can be said now.
    mutating func observe(_ syspath: String, _ target: DeviceClassifier.Result?, at now: Instant,
                          settled: Bool = false) -> [DeviceEvent] {
        if debounce <= .zero || settled {
            pending[syspath] = nil
            return apply(syspath, target)
        }
        arrivals += 1
        pending[syspath] = (target, now + debounce, arrivals)
        return []
    }

    /// When the earliest pending change is due; `nil` when nothing waits (then the monitor
    /// sleeps with no timeout at all).
    var nextDeadline: Instant? { pending.values.map(\.due).min() }

    /// Says the pending changes that are due, oldest arrival first.
    mutating func due(at now: Instant) -> [DeviceEvent] {
        let ready = pending.filter { $0.value.due <= now }.sorted { $0.value.order < $1.value.order }
        var events: [DeviceEvent] = []
        for (syspath, change) in ready {
            pending[syspath] = nil
            events += apply(syspath, change.target)
        }
        return events
    }

    private mutating func apply(_ syspath: String, _ target: DeviceClassifier.Result?) -> [DeviceEvent] {
        let before = reported[syspath]
        reported[syspath] = target
        switch (before, target) {
        case (nil, nil): return []
        case (nil, let added?): return [Self.added(added)]
        case (let removed?, nil): return [Self.removed(removed)]
        case (let old?, let new?):
            return old.identity == new.identity ? [] : [Self.removed(old), Self.added(new)]
        }
    }

    static func added(_ result: DeviceClassifier.Result) -> DeviceEvent {
        DeviceEvent(result.identity.role == .reader ? .readerAdded : .pedAdded, device: result.identity)
    }

    static func removed(_ result: DeviceClassifier.Result) -> DeviceEvent {
        DeviceEvent(result.identity.role == .reader ? .readerRemoved : .pedRemoved, device: result.identity)
    }
}
