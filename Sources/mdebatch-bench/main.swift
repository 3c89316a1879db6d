import MDEBatchCore

print("mdebatch-bench \(MDEBatchVersion.current)")
