using System.Text.Json;
using System.Text.Json.Nodes;

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

    /// <summary>An event's data as its reader may see it: a provider learns what happened on its places, not which of the desk's requests it was for.</summary>
    public static JsonElement DataFor(string payload, bool isProvider)
    {
        if (!isProvider) return JsonDocument.Parse(payload).RootElement.Clone();
        var data = JsonNode.Parse(payload)!.AsObject();
        data.Remove("requestId");
        return JsonSerializer.SerializeToElement(data);
    }
}
