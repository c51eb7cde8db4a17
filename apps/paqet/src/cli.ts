console.log("paqet");
