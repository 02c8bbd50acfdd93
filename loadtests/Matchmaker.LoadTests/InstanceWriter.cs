using System.Text.Json;
using Matchmaker.Matching;

namespace Matchmaker.LoadTests;

/// <summary>Writes an instance in the solve command's input format.</summary>
public static class InstanceWriter
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string ToJson(MatchingInstance instance) => JsonSerializer.Serialize(new
    {
        places = instance.Places,
        requests = instance.Requests,
        policy = instance.Policy,
    }, Options);
}
