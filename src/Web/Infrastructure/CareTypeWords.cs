using Matchmaker.Matching;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// Care types in addresses and file names as users read them (<c>?zorgvorm=begeleide-omgang</c>), not the engine's
/// codes. The engine's code is still understood, so an address written down before keeps working.
/// </summary>
public static class CareTypeWords
{
    private static readonly Dictionary<string, string> ByCode = new()
    {
        [CareTypes.Residential] = "24-uursgroep",
        [CareTypes.FamilyHome] = "gezinshuis",
        [CareTypes.HomeCare24h] = "24-uurszorg-thuis",
        [CareTypes.FosterCrisis] = "crisispleegzorg",
        [CareTypes.FosterShort] = "kortdurende-pleegzorg",
        [CareTypes.FosterLong] = "langdurende-pleegzorg",
        [CareTypes.CrisisPlace] = "crisisplek",
        [CareTypes.StepDown] = "doorstroomplek",
        [CareTypes.Secure] = "gesloten-jeugdhulp",
        [CareTypes.SupervisedContact] = "begeleide-omgang",
        [CareTypes.MentalHealthDiagnostics] = "jeugd-ggz-diagnostiek",
        [CareTypes.MentalHealthTreatment] = "jeugd-ggz-behandeling",
        [CareTypes.MotherAndChildHome] = "moeder-kindhuis",
        [CareTypes.Forensic] = "forensische-jeugdzorg",
        [CareTypes.Addiction] = "verslavingszorg",
        [CareTypes.ComplexDivorce] = "complexe-scheiding",
    };

    private static readonly Dictionary<string, string> ByWord = ByCode.ToDictionary(pair => pair.Value, pair => pair.Key);

    /// <summary>The word for a care type in an address or a file name.</summary>
    public static string InAddress(string code) => ByCode.GetValueOrDefault(code, code);

    /// <summary>The care type an address names, by its word or by the engine's code; null when it names none.</summary>
    public static string? FromAddress(string? text) =>
        text is null ? null : ByWord.TryGetValue(text, out var code) ? code : CareTypes.All.Contains(text) ? text : null;
}
