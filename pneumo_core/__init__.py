"""pneumo: a second opinion on pediatric chest X-rays."""
