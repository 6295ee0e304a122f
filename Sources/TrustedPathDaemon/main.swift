print("trustedpathd")
