namespace Matchmaker.Silo.Market;

/// <summary>
/// Which change-log events a caller may read (the event feed and webhooks use the same rule): a provider the events of
/// its own offerings; a desk its region's events and every availability change. Parameters: @organisation, @region.
/// </summary>
public static class EventScope
{
    public static string Where(bool isProvider) => isProvider
        ? "provider_id = @organisation"
        : "(region_code = @region OR (region_code IS NULL AND topic = 'availabilityChanged'))";
}
