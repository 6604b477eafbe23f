// A small app built before and after a known change (see diffdemo.csproj):
// AFTER adds the method Peak, which is the only user of List<Sample>.
// Sample is used before too (in an array), so its own type exists on both
// sides and only the List<Sample> instantiation is new; Peak returns a long
// because Console.WriteLine(long) is used before too (a float would pull in
// the float overloads of Console and TextWriter).
using System.Runtime.CompilerServices;

namespace DiffDemo;

public struct Reading
{
    public int Sensor;
    public double Value;
}

public struct Sample
{
    public long Tick;
    public float Level;
}

public static class Program
{
    public static int Main(string[] args)
    {
        var readings = new List<Reading>();
        for (int i = 0; i < 10 + args.Length; i++)
            readings.Add(new Reading { Sensor = i % 3, Value = i * 1.5 });
        var samples = new Sample[4 + args.Length];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = new Sample { Tick = i, Level = i * 0.25f };
        Console.WriteLine(Summarize(readings));
        Console.WriteLine(Last(samples).Tick);
#if AFTER
        Console.WriteLine(Peak(samples));
#endif
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static string Summarize(List<Reading> readings)
    {
        var perSensor = new Dictionary<int, double>();
        foreach (var r in readings)
            perSensor[r.Sensor] = perSensor.GetValueOrDefault(r.Sensor) + r.Value;
        return $"{perSensor.Count} sensors, total {perSensor.Values.Sum()}";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static Sample Last(Sample[] samples) => samples[^1];

#if AFTER
    [MethodImpl(MethodImplOptions.NoInlining)]
    static long Peak(Sample[] samples)
    {
        var loud = new List<Sample>();
        foreach (var s in samples)
            if (s.Level > 0.2f)
                loud.Add(s);
        long peak = 0;
        for (int i = 0; i < loud.Count; i++)
            peak = Math.Max(peak, loud[i].Tick);
        return peak;
    }
#endif
}
