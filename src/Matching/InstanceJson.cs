using System.Text.Json;
using System.Text.Json.Serialization;

namespace Matchmaker.Matching;

/// <summary>The instance document is not valid; <see cref="Path"/> points at the first problem (JSONPath style).</summary>
public sealed class InstanceFormatException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}

/// <summary>Reads and writes the command-line contract of <c>solve</c> (docs/matching.md). Pure: strings in, strings out.</summary>
public static class InstanceJson
{
    private static readonly JsonSerializerOptions Output = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Serialize(MatchingResult result) => JsonSerializer.Serialize(result, Output);

    public static MatchingInstance Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new InstanceFormatException("$", $"not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InstanceFormatException("$", "must be an object with \"places\" and \"requests\"");
            var places = Array(root, "$", "places").Select((e, i) => ReadPlace(e, $"$.places[{i}]")).ToList();
            var requests = Array(root, "$", "requests").Select((e, i) => ReadRequest(e, $"$.requests[{i}]")).ToList();
            EnsureUnique(places.Select(p => p.Id).ToList(), "places", "place");
            EnsureUnique(requests.Select(r => r.Id).ToList(), "requests", "request");
            var policy = AllocationPolicy.Unrestricted;
            if (root.TryGetProperty("policy", out var policyElement) && policyElement.ValueKind != JsonValueKind.Null)
            {
                if (policyElement.ValueKind != JsonValueKind.Object)
                    throw new InstanceFormatException("$.policy", "must be an object");
                policy = new AllocationPolicy(
                    OptionalBool(policyElement, "$.policy", "allowOutOfRegion", true),
                    OptionalBool(policyElement, "$.policy", "allowNonContracted", true));
            }
            return new MatchingInstance(places, requests, policy);
        }
    }

    private static Place ReadPlace(JsonElement e, string path)
    {
        RequireObject(e, path);
        var minAge = Int(e, path, "minAge", min: 0);
        var maxAge = Int(e, path, "maxAge", min: 0);
        if (maxAge < minAge)
            throw new InstanceFormatException($"{path}.maxAge", $"must not be below minAge ({minAge})");
        return new Place(
            Id(e, path), String(e, path, "careType"), Int(e, path, "units", min: 0), minAge, maxAge,
            Strings(e, path, "genders"), Bool(e, path, "secure"), Strings(e, path, "specialisms"),
            Number(e, path, "lat", -90, 90), Number(e, path, "lon", -180, 180), String(e, path, "regionId"), Strings(e, path, "contractedBy"));
    }

    private static Request ReadRequest(JsonElement e, string path)
    {
        RequireObject(e, path);
        var priority = Int(e, path, "priority", min: int.MinValue);
        if (priority is < 1 or > 3)
            throw new InstanceFormatException($"{path}.priority", $"unknown priority {priority}; it must be 1 (crisis), 2 (urgent) or 3 (regular)");
        string? siblingGroup = null;
        if (e.TryGetProperty("siblingGroup", out var group) && group.ValueKind != JsonValueKind.Null)
        {
            if (group.ValueKind != JsonValueKind.String || group.GetString()!.Length == 0)
                throw new InstanceFormatException($"{path}.siblingGroup", "must be a non-empty string or null");
            siblingGroup = group.GetString();
        }
        return new Request(
            Id(e, path), String(e, path, "careType"), Int(e, path, "age", min: 0), String(e, path, "gender"), priority,
            Int(e, path, "waitingDays", min: 0), Bool(e, path, "needsSecure"), Strings(e, path, "needs"),
            Number(e, path, "lat", -90, 90), Number(e, path, "lon", -180, 180), Number(e, path, "maxDistanceKm", 0, double.MaxValue),
            String(e, path, "regionId"), siblingGroup);
    }

    private static void EnsureUnique(List<string> ids, string collection, string kind)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            if (seen.TryGetValue(ids[i], out var first))
                throw new InstanceFormatException($"$.{collection}[{i}].id", $"duplicate {kind} id '{ids[i]}' (also at $.{collection}[{first}].id)");
            seen[ids[i]] = i;
        }
    }

    private static void RequireObject(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new InstanceFormatException(path, "must be an object");
    }

    private static JsonElement Field(JsonElement e, string path, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new InstanceFormatException($"{path}.{name}", "is missing");

    private static JsonElement.ArrayEnumerator Array(JsonElement e, string path, string name)
    {
        var value = Field(e, path, name);
        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw new InstanceFormatException($"{path}.{name}", "must be an array");
    }

    private static string Id(JsonElement e, string path)
    {
        var id = String(e, path, "id");
        return id.Length > 0 ? id : throw new InstanceFormatException($"{path}.id", "must not be empty");
    }

    private static string String(JsonElement e, string path, string name)
    {
        var value = Field(e, path, name);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InstanceFormatException($"{path}.{name}", "must be a string");
    }

    private static int Int(JsonElement e, string path, string name, int min)
    {
        var value = Field(e, path, name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            throw new InstanceFormatException($"{path}.{name}", "must be a whole number");
        return number >= min ? number : throw new InstanceFormatException($"{path}.{name}", $"must be {min} or more, not {number}");
    }

    private static double Number(JsonElement e, string path, string name, double min, double max)
    {
        var value = Field(e, path, name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            throw new InstanceFormatException($"{path}.{name}", "must be a number");
        return number >= min && number <= max
            ? number
            : throw new InstanceFormatException($"{path}.{name}", max == double.MaxValue ? $"must be {min} or more, not {number}" : $"must be between {min} and {max}, not {number}");
    }

    private static bool Bool(JsonElement e, string path, string name)
    {
        var value = Field(e, path, name);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InstanceFormatException($"{path}.{name}", "must be true or false"),
        };
    }

    private static bool OptionalBool(JsonElement e, string path, string name, bool fallback) =>
        e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Bool(e, path, name) : fallback;

    private static IReadOnlyList<string> Strings(JsonElement e, string path, string name)
    {
        var list = new List<string>();
        var i = 0;
        foreach (var item in Array(e, path, name))
        {
            if (item.ValueKind != JsonValueKind.String)
                throw new InstanceFormatException($"{path}.{name}[{i}]", "must be a string");
            list.Add(item.GetString()!);
            i++;
        }
        return list;
    }
}
