using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// A request's editable fields as one short tag: equal tags, equal fields (64 bits of SHA-256 over the fields as stored,
/// named one by one, so a field added to the input later does not change the tags of requests read before it).
/// </summary>
public static class RequestEditTag
{
    public static string Of(RequestInput input)
    {
        var fields = input.Normalized();
        var text = string.Join('\u001f', "v1", fields.CaseReference, fields.MeasureType,
            fields.MeasureStart?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), fields.Urgency, fields.CareType,
            string.Join(',', fields.Needs!), fields.NeedsSecure, fields.BirthMonth, fields.Gender, fields.HomePc4,
            fields.HomeLat?.ToString("R", CultureInfo.InvariantCulture), fields.HomeLon?.ToString("R", CultureInfo.InvariantCulture),
            fields.MaxDistanceKm?.ToString(CultureInfo.InvariantCulture), fields.SiblingGroup, fields.ChildWishes, fields.ParentWishes,
            fields.MunicipalityId?.ToString("D"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
