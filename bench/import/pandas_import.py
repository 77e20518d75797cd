"""pandas peer: read_csv of the values file (Debian python3-pandas)."""
import sys
import pandas as pd
df = pd.read_csv(sys.argv[1], dtype={"area": "category", "indicator": "category", "period": "category"})
print(f"pandas rows: {len(df)}")
