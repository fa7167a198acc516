package dev.petrel.deliver;

/** Everything delivery is configured with; one immutable value built at start-up. */
public record DeliveryConfig(
    RoutingConfig routing, ClientConfig client, PoolConfig pool, ThrottleConfig throttle) {

  public DeliveryConfig {
    if (routing == null || client == null || pool == null || throttle == null)
      throw new IllegalArgumentException("routing, client, pool and throttle are required");
  }

  public static DeliveryConfig defaults(String heloName) {
    return new DeliveryConfig(
        RoutingConfig.DEFAULTS,
        ClientConfig.defaults(heloName),
        PoolConfig.DEFAULTS,
        ThrottleConfig.DEFAULTS);
  }

  public DeliveryConfig withRouting(RoutingConfig r) {
    return new DeliveryConfig(r, client, pool, throttle);
  }

  public DeliveryConfig withClient(ClientConfig c) {
    return new DeliveryConfig(routing, c, pool, throttle);
  }

  public DeliveryConfig withPool(PoolConfig p) {
    return new DeliveryConfig(routing, client, p, throttle);
  }

  public DeliveryConfig withThrottle(ThrottleConfig t) {
    return new DeliveryConfig(routing, client, pool, t);
  }
}
