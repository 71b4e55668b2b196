using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
foreach (var t in new[]{typeof(InteractiveDocument), typeof(InteractiveDocumentElement), typeof(Notebook)})
{
    Console.WriteLine("== " + t.FullName);
    foreach (var m in t.GetMembers(System.Reflection.BindingFlags.Public|System.Reflection.BindingFlags.Instance|System.Reflection.BindingFlags.Static|System.Reflection.BindingFlags.DeclaredOnly)) Console.WriteLine("  " + m);
}
var doc = new InteractiveDocument();
var el = new InteractiveDocumentElement("// Exercise 4.1a: x\nint F() => 1;", "csharp");
el.Metadata ??= new Dictionary<string, object>();
el.Metadata["course"] = new Dictionary<string, object> { ["exercise"] = "4.1a" };
doc.Add(el);
var json = doc.ToJupyterJson("csharp");
Console.WriteLine(json);
var back = Notebook.Parse(json, new KernelInfoCollection { new KernelInfo("csharp"), new KernelInfo("fsharp") });
foreach (var e in back.Elements) { Console.WriteLine($"kernel={e.KernelName} contents={e.Contents}"); if (e.Metadata != null) foreach (var kv in e.Metadata) Console.WriteLine($"  {kv.Key} = {kv.Value} ({kv.Value?.GetType()})"); }
