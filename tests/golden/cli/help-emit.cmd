help emit
