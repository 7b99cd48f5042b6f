//Maya ASCII 2018 scene
//Name: legacy_layers.ma
//Last modified: Mon, Nov 23, 2026 10:00:00 AM
//Codeset: UTF-8
requires maya "2018";
requires -nodeType "aiOptions" -nodeType "aiAOVDriver" -nodeType "aiAOVFilter" "mtoa" "3.1.2.1";
requires "stereoCamera" "10.0";
currentUnit -l centimeter -a degree -t pal;
fileInfo "application" "maya";
fileInfo "product" "Maya 2018";
fileInfo "version" "2018";
createNode transform -s -n "persp";
	rename -uid "A";
	setAttr ".v" no;
createNode camera -s -n "perspShape" -p "persp";
	setAttr -k off ".v" no;
	setAttr ".rnd" no;
	setAttr ".imn" -type "string" "persp";
createNode transform -n "camera1";
createNode camera -n "cameraShape1" -p "camera1";
	setAttr -k off ".v";
	setAttr ".imn" -type "string" "camera1";
createNode transform -n "camera2";
createNode camera -n "cameraShape2" -p "camera2";
	setAttr ".rnd" no;
createNode mesh -n "pCubeShape1" -p "pCube1";
	setAttr -k off ".v";
	setAttr -s 8 ".vt[0:7]"  -0.5 -0.5 0.5 0.5 -0.5 0.5 -0.5 0.5 0.5 0.5 0.5 0.5 -0.5 0.5 -0.5
		 0.5 0.5 -0.5 -0.5 -0.5 -0.5 0.5 -0.5 -0.5;
createNode renderLayerManager -n "renderLayerManager";
	setAttr -s 3 ".rlmi[1:2]"  1 2;
createNode renderLayer -n "defaultRenderLayer";
	setAttr ".g" yes;
createNode renderLayer -n "layer1";
	setAttr -s 2 ".adjs";
	setAttr ".adjs[0].val" yes;
	setAttr ".adjs[1].val" 48;
	setAttr ".rlid" 1;
createNode renderLayer -n "layer2";
	setAttr ".rndr" no;
	setAttr ".rlid" 2;
createNode aiOptions -s -n "defaultArnoldRenderOptions";
	setAttr ".version" -type "string" "3.1.2.1";
createNode aiAOVDriver -s -n "defaultArnoldDriver";
	setAttr ".ai_translator" -type "string" "png";
createNode script -n "uiConfigurationScriptNode";
	setAttr ".b" -type "string" (
		"// Maya Mel UI Configuration File. D:/not/a/real/path.png\n"
		+ "setFocus `paneLayout -q -p1 $gMainPane`;\n");
	setAttr ".st" 3;
select -ne :time1;
	setAttr ".o" 1;
select -ne :defaultRenderGlobals;
	setAttr ".ren" -type "string" "arnold";
	setAttr ".an" yes;
	setAttr ".fs" 1;
	setAttr ".ef" 24;
	setAttr ".bfs" 2;
	setAttr ".mex" no;
	setAttr ".ifp" -type "string" "<Scene>/<RenderLayer>/<Camera>";
select -ne :defaultResolution;
	setAttr ".w" 1920;
	setAttr ".h" 1080;
	setAttr ".pa" 1;
connectAttr "cameraShape2.rnd" "layer1.adjs[0].plg";
connectAttr ":defaultRenderGlobals.ef" "layer1.adjs[1].plg";
connectAttr "renderLayerManager.rlmi[0]" "defaultRenderLayer.rlid";
connectAttr "renderLayerManager.rlmi[1]" "layer1.rlid";
// End of legacy_layers.ma
