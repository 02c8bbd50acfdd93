namespace Matchmaker.Matching;

/// <summary>Kinds of care (zorgvormen). Stored and sent as these lower-case codes on every database and in the API.</summary>
public static class CareTypes
{
    /// <summary>24-uurs residentiële groep.</summary>
    public const string Residential = "residential";
    /// <summary>Gezinshuis: a family home with professional house parents.</summary>
    public const string FamilyHome = "gezinshuis";
    /// <summary>24-uurs zorg thuis (intensive care in the child's own home, around the clock).</summary>
    public const string HomeCare24h = "home-24h";
    /// <summary>Crisispleegzorg.</summary>
    public const string FosterCrisis = "foster-crisis";
    /// <summary>Kortdurende pleegzorg.</summary>
    public const string FosterShort = "foster-short";
    /// <summary>Langdurende pleegzorg.</summary>
    public const string FosterLong = "foster-long";
    /// <summary>Crisisplek.</summary>
    public const string CrisisPlace = "crisis-place";
    /// <summary>Doorstroomplek (step-down after a crisis or treatment place).</summary>
    public const string StepDown = "step-down";
    /// <summary>Gesloten jeugdhulp (jeugdzorgplus); only with a machtiging gesloten jeugdhulp.</summary>
    public const string Secure = "secure";
    /// <summary>Begeleide omgang.</summary>
    public const string SupervisedContact = "supervised-contact";
    /// <summary>Jeugd-GGZ diagnostiek.</summary>
    public const string MentalHealthDiagnostics = "ggz-diagnostics";
    /// <summary>Jeugd-GGZ behandeling.</summary>
    public const string MentalHealthTreatment = "ggz-treatment";
    /// <summary>Moeder-kindhuis.</summary>
    public const string MotherAndChildHome = "mother-child-home";
    /// <summary>Forensische jeugdzorg.</summary>
    public const string Forensic = "forensic";
    /// <summary>Verslavingszorg.</summary>
    public const string Addiction = "addiction";
    /// <summary>Hulp bij complexe scheidingen.</summary>
    public const string ComplexDivorce = "complex-divorce";

    public static readonly IReadOnlySet<string> All = new HashSet<string>
    {
        Residential, FamilyHome, HomeCare24h, FosterCrisis, FosterShort, FosterLong, CrisisPlace, StepDown, Secure,
        SupervisedContact, MentalHealthDiagnostics, MentalHealthTreatment, MotherAndChildHome, Forensic, Addiction, ComplexDivorce,
    };

    private static readonly Dictionary<string, string> DutchNames = new()
    {
        [Residential] = "24-uursgroep",
        [FamilyHome] = "Gezinshuis",
        [HomeCare24h] = "24-uurszorg thuis",
        [FosterCrisis] = "Crisispleegzorg",
        [FosterShort] = "Kortdurende pleegzorg",
        [FosterLong] = "Langdurende pleegzorg",
        [CrisisPlace] = "Crisisplek",
        [StepDown] = "Doorstroomplek",
        [Secure] = "Gesloten jeugdhulp (jeugdzorgplus)",
        [SupervisedContact] = "Begeleide omgang",
        [MentalHealthDiagnostics] = "Jeugd-GGZ diagnostiek",
        [MentalHealthTreatment] = "Jeugd-GGZ behandeling",
        [MotherAndChildHome] = "Moeder-kindhuis",
        [Forensic] = "Forensische jeugdzorg",
        [Addiction] = "Verslavingszorg",
        [ComplexDivorce] = "Hulp bij complexe scheiding",
    };

    /// <summary>The name users know (Dutch); an unknown code is returned as it is.</summary>
    public static string DutchName(string code) => DutchNames.GetValueOrDefault(code, code);

    /// <summary>Ambulatory help is counted in slots (with an earliest start); the rest in beds.</summary>
    public static readonly IReadOnlySet<string> Ambulatory = new HashSet<string>
    {
        SupervisedContact, MentalHealthDiagnostics, MentalHealthTreatment, ComplexDivorce, Addiction,
    };
}

/// <summary>How urgent the desk judges a request (spoed).</summary>
public static class Urgencies
{
    public const string Crisis = "crisis";
    public const string Urgent = "urgent";
    public const string Regular = "regular";
    public static readonly IReadOnlySet<string> All = new HashSet<string> { Crisis, Urgent, Regular };
}

/// <summary>Child-protection and juvenile-probation measures (maatregelen).</summary>
public static class MeasureTypes
{
    /// <summary>Ondertoezichtstelling.</summary>
    public const string Supervision = "ots";
    /// <summary>Voorlopige ondertoezichtstelling (crisis).</summary>
    public const string ProvisionalSupervision = "provisional-ots";
    /// <summary>Voogdij.</summary>
    public const string Guardianship = "guardianship";
    /// <summary>Jeugdreclassering (ages 12 to 23).</summary>
    public const string JuvenileProbation = "juvenile-probation";
    /// <summary>Machtiging uithuisplaatsing.</summary>
    public const string OutOfHomePlacement = "out-of-home-placement";
    /// <summary>Machtiging gesloten jeugdhulp: the only ground for a secure place.</summary>
    public const string SecureCareAuthorisation = "secure-care-authorisation";

    public static readonly IReadOnlySet<string> All = new HashSet<string>
    {
        Supervision, ProvisionalSupervision, Guardianship, JuvenileProbation, OutOfHomePlacement, SecureCareAuthorisation,
    };
}

/// <summary>Specialisms a place offers and needs a child has.</summary>
public static class Specialisms
{
    public static readonly IReadOnlyList<string> All =
    [
        "lvb", "trauma", "autism", "addiction", "eating-disorder", "sexual-behaviour", "young-mother", "attachment", "aggression",
    ];

    private static readonly Dictionary<string, string> DutchNames = new()
    {
        ["lvb"] = "licht verstandelijke beperking (lvb)",
        ["trauma"] = "trauma",
        ["autism"] = "autisme",
        ["addiction"] = "verslaving",
        ["eating-disorder"] = "eetstoornis",
        ["sexual-behaviour"] = "seksueel grensoverschrijdend gedrag",
        ["young-mother"] = "jonge moeder met kind",
        ["attachment"] = "hechtingsproblematiek",
        ["aggression"] = "agressie",
    };

    public static string DutchName(string code) => DutchNames.GetValueOrDefault(code, code);
}
